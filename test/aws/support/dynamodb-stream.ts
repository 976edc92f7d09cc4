// Reads a table's DynamoDB stream from moto, as the Lambda event source mapping would, and
// returns the records in the shape Lambda hands to a handler (DynamoDBStreamEvent.Records).
//
// The Streams JSON protocol call is the one `npm run start:aws` polls with (local/aws).
import type { DynamoDBRecord } from 'aws-lambda';
import { streamsCall as streamsCallIn } from '../../../local/aws/dynamodb-stream-poller';
import { testRegion } from './clients';

const streamsCall = <T>(endpoint: string, action: string, body: unknown): Promise<T> => streamsCallIn<T>(endpoint, testRegion, action, body);

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
