// Reads a table's DynamoDB stream from moto, as the Lambda event source mapping would, and
// returns the records in the shape Lambda hands to a handler (DynamoDBStreamEvent.Records).
//
// @aws-sdk/client-dynamodb-streams is not a dependency yet, so this speaks the Streams JSON
// protocol directly with fetch. moto routes on the signing service named in the Authorization
// header and does not verify the signature.
import type { DynamoDBRecord } from 'aws-lambda';
import { testRegion } from './clients';

async function streamsCall<T>(endpoint: string, action: string, body: unknown): Promise<T> {
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': `DynamoDBStreams_20120810.${action}`,
      authorization: `AWS4-HMAC-SHA256 Credential=testing/20240101/${testRegion}/dynamodb/aws4_request, SignedHeaders=host, Signature=0`,
    },
    body: JSON.stringify(body),
  });
  const json: unknown = await response.json();
  if (!response.ok) throw new Error(`DynamoDB Streams ${action} failed: ${JSON.stringify(json)}`);
  return json as T;
}

interface DescribeStreamOutput {
  readonly StreamDescription: { readonly Shards: readonly { readonly ShardId: string }[] };
}

/** Every record in the stream so far, shard by shard, oldest first, with eventSourceARN set. */
export async function readStream(endpoint: string, streamArn: string): Promise<DynamoDBRecord[]> {
  const { StreamDescription } = await streamsCall<DescribeStreamOutput>(endpoint, 'DescribeStream', { StreamArn: streamArn });
  const records: DynamoDBRecord[] = [];
  for (const shard of StreamDescription.Shards) {
    let iterator: string | undefined = (
      await streamsCall<{ ShardIterator?: string }>(endpoint, 'GetShardIterator', { StreamArn: streamArn, ShardId: shard.ShardId, ShardIteratorType: 'TRIM_HORIZON' })
    ).ShardIterator;
    while (iterator !== undefined) {
      const page: { Records?: DynamoDBRecord[]; NextShardIterator?: string } = await streamsCall(endpoint, 'GetRecords', { ShardIterator: iterator, Limit: 1000 });
      const batch = page.Records ?? [];
      records.push(...batch.map((r) => ({ ...r, eventSourceARN: streamArn })));
      // An open shard always returns a next iterator; an empty page means we are at its end.
      iterator = batch.length === 0 ? undefined : page.NextShardIterator;
    }
  }
  return records;
}

/** The records whose new image belongs to `tenant` (tests share one table across tenants). */
export function recordsOfTenant(records: readonly DynamoDBRecord[], tenant: string): DynamoDBRecord[] {
  return records.filter((r) => r.dynamodb?.NewImage?.tn?.S === tenant);
}
