// Reading a DynamoDB Query page by page as one ordered stream, and merging several such
// streams (the history shards of dynamodb-items.ts) into one, newest first.
import { QueryCommand, type DynamoDBDocumentClient, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';

export type Item = Record<string, unknown>;

/** The items of one Query in its order, fetched a page at a time as they are consumed. */
export class QueryStream {
  private buffer: Item[] = [];
  private startKey: Record<string, unknown> | undefined;
  private exhausted = false;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly input: QueryCommandInput,
    startKey?: Record<string, unknown>,
  ) {
    this.startKey = startKey;
  }

  /** The next item without taking it, or undefined at the end. */
  async peek(): Promise<Item | undefined> {
    while (this.buffer.length === 0 && !this.exhausted) {
      const result = await this.client.send(new QueryCommand({ ...this.input, ...(this.startKey ? { ExclusiveStartKey: this.startKey } : {}) }));
      this.buffer = result.Items ?? [];
      this.startKey = result.LastEvaluatedKey;
      if (this.startKey === undefined) this.exhausted = true;
    }
    return this.buffer[0];
  }

  take(): Item | undefined {
    return this.buffer.shift();
  }
}

/**
 * Streams that each yield items in descending `key` order, merged into one descending stream
 * (a k-way merge: each step takes the largest head).
 */
export class DescendingMerge {
  constructor(
    private readonly streams: readonly QueryStream[],
    private readonly key: (item: Item) => string,
  ) {}

  /** Up to `n` next items of the merged order. */
  async next(n: number): Promise<Item[]> {
    const out: Item[] = [];
    while (out.length < n) {
      const heads = await Promise.all(this.streams.map((s) => s.peek()));
      let best = -1;
      let bestKey = '';
      heads.forEach((head, i) => {
        if (head === undefined) return;
        const key = this.key(head);
        if (best === -1 || key > bestKey) {
          best = i;
          bestKey = key;
        }
      });
      const stream = this.streams[best];
      if (best === -1 || !stream) break;
      const item = stream.take();
      if (item) out.push(item);
    }
    return out;
  }
}
