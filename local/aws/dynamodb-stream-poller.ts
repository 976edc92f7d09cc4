// `npm run start:aws` (issue 9): the Lambda event source mapping of the stream processor,
// emulated against moto's DynamoDB Streams: poll each shard, hand the records to the handler
// in order as a DynamoDBStreamEvent, and retry from the first failed record (the handler
// reports partial batch failures, ReportBatchItemFailures).
// Speaks the Streams JSON protocol with fetch (no DynamoDB Streams client is a dependency);
// moto routes on the service in the Authorization header and does not check the signature.
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';

export async function streamsCall<T>(endpoint: string, region: string, action: string, body: unknown): Promise<T> {
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': `DynamoDBStreams_20120810.${action}`,
      authorization: `AWS4-HMAC-SHA256 Credential=testing/20240101/${region}/dynamodb/aws4_request, SignedHeaders=host, Signature=0`,
    },
    body: JSON.stringify(body),
  });
  const json: unknown = await response.json();
  if (!response.ok) throw new Error(`DynamoDB Streams ${action} failed: ${JSON.stringify(json)}`);
  return json as T;
}

export interface StreamPollerOptions {
  readonly endpoint: string;
  readonly region: string;
  readonly streamArn: string;
  readonly handler: (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse>;
  readonly onError: (error: unknown) => void;
  /** Pause between polls of an idle stream (ms). */
  readonly idleMs?: number;
}

export interface StreamPoller {
  stop(): Promise<void>;
}

interface Shard {
  readonly ShardId: string;
}

/** Starts polling from the stream's current end (LATEST): writes after start are processed. */
export function startStreamPoller(options: StreamPollerOptions): StreamPoller {
  const { endpoint, region, streamArn } = options;
  const idleMs = options.idleMs ?? 100;
  const iterators = new Map<string, string | undefined>();
  let stopped = false;

  const describe = async (): Promise<readonly Shard[]> =>
    (await streamsCall<{ StreamDescription: { Shards: Shard[] } }>(endpoint, region, 'DescribeStream', { StreamArn: streamArn })).StreamDescription.Shards;

  const iteratorFor = async (shardId: string, type: 'LATEST' | 'TRIM_HORIZON' | 'AT_SEQUENCE_NUMBER', sequenceNumber?: string): Promise<string | undefined> =>
    (
      await streamsCall<{ ShardIterator?: string }>(endpoint, region, 'GetShardIterator', {
        StreamArn: streamArn, ShardId: shardId, ShardIteratorType: type, ...(sequenceNumber !== undefined ? { SequenceNumber: sequenceNumber } : {}),
      })
    ).ShardIterator;

  const pollShard = async (shardId: string): Promise<number> => {
    const iterator = iterators.get(shardId);
    if (iterator === undefined) return 0;
    const page = await streamsCall<{ Records?: DynamoDBRecord[]; NextShardIterator?: string }>(endpoint, region, 'GetRecords', { ShardIterator: iterator, Limit: 100 });
    const records = (page.Records ?? []).map((r) => ({ ...r, eventSourceARN: streamArn }));
    if (records.length === 0) {
      iterators.set(shardId, page.NextShardIterator);
      return 0;
    }
    const result = await options.handler({ Records: records });
    const failed = result.batchItemFailures[0]?.itemIdentifier;
    // Retry from the first failed record, as the event source mapping does.
    iterators.set(shardId, failed === undefined ? page.NextShardIterator : await iteratorFor(shardId, 'AT_SEQUENCE_NUMBER', failed));
    return records.length;
  };

  const loop = async (): Promise<void> => {
    for (const shard of await describe()) iterators.set(shard.ShardId, await iteratorFor(shard.ShardId, 'LATEST'));
    while (!stopped) {
      let processed = 0;
      try {
        // New shards (moto rolls none over in practice) start at their beginning.
        for (const shard of await describe()) if (!iterators.has(shard.ShardId)) iterators.set(shard.ShardId, await iteratorFor(shard.ShardId, 'TRIM_HORIZON'));
        for (const shardId of iterators.keys()) processed += await pollShard(shardId);
      } catch (error) {
        options.onError(error);
      }
      if (processed === 0) await new Promise((resolve) => setTimeout(resolve, idleMs));
    }
  };
  const running = loop().catch(options.onError);
  return {
    stop: async () => {
      stopped = true;
      await running;
    },
  };
}
