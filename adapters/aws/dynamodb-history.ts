// History queries of the DynamoDB store (https://hl7.org/fhir/R4/http.html#history):
// history-instance on the base table (versions of one resource, sort key = version order),
// history-type and history-system on their GSIs (sort key = lastUpdated, then type, id, version),
// whose partitions are sharded (dynamodb-items.ts: historyShards) and merged on read.
//
// Newest first, keyset paging: the cursor is the sort key of the last version returned, so
// versions committed while a client pages sort before it and neither skip nor repeat a row.
// `total` is given for history-instance (one partition, counted with Select COUNT) and left out
// for -type and -system: counting a type's or a tenant's whole history reads all of it.
import { QueryCommand, type DynamoDBDocumentClient, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { FhirError } from '../../core/errors/fhir-error';
import type { HistoryPage, HistoryQuery, StoredVersion } from '../../core/ports/resource-store';
import {
  historyShards,
  instantMs,
  msKey,
  resourcePk,
  systemPk,
  toStoredVersion,
  typePk,
} from './dynamodb-items';
import { DescendingMerge, QueryStream, type Item } from './dynamodb-query-stream';
import { systemHistoryIndex, typeHistoryIndex } from './dynamodb-table';

/** Reads more than a page asks for, so filters rarely need a second round trip. */
const minimumRead = 25;

const cursorPattern = /^h1:(sk|hsk):([^\s]{1,1024})$/;
/** What a position must look like, so a forged cursor is a 400 and never a malformed query. */
const positionPattern: Readonly<Record<string, RegExp>> = { sk: /^v#[^#]+$/, hsk: /^\d{15}#[^#]+#[^#]+#[^#]+$/ };

function encodeCursor(positionKey: string, position: string): string {
  return Buffer.from(`h1:${positionKey}:${position}`, 'utf8').toString('base64url');
}

function decodeCursor(text: string, positionKey: string): string {
  const match = cursorPattern.exec(Buffer.from(text, 'base64url').toString('utf8'));
  if (!match?.[2] || match[1] !== positionKey || !positionPattern[positionKey]?.test(match[2])) {
    throw new FhirError('INVALID_REQUEST', 'The history paging cursor is not valid; start again from the first page', { expression: ['_cursor'] });
  }
  return match[2];
}

function parseInstant(value: string, name: '_since' | '_at'): number {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new FhirError('INVALID_REQUEST', `${name} is not a valid instant: ${value}`, { expression: [name] });
  return ms;
}

function text(item: Item, name: string): string {
  const value = item[name];
  if (typeof value !== 'string') throw new Error(`DynamoDB item lacks string attribute ${name}`);
  return value;
}

export class DynamoDbHistoryQueries {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async run(tenant: string, query: HistoryQuery): Promise<HistoryPage> {
    if (!Number.isInteger(query.count) || query.count < 0) {
      throw new FhirError('INVALID_REQUEST', `_count must be a non-negative integer, not ${query.count}`, { expression: ['_count'] });
    }
    if (query.id !== undefined && query.resourceType === undefined) {
      throw new Error('history-instance needs a resourceType as well as an id');
    }
    const sinceMs = query.since === undefined ? undefined : parseInstant(query.since, '_since');
    const atMs = query.at === undefined ? undefined : parseInstant(query.at, '_at');
    if (query.resourceType !== undefined && query.id !== undefined) return this.instance(tenant, query.resourceType, query.id, query, sinceMs, atMs);
    return this.across(tenant, query, sinceMs, atMs);
  }

  /** history-instance: the resource's own partition, strongly consistent, in version order. */
  private async instance(tenant: string, resourceType: string, id: string, query: HistoryQuery, sinceMs: number | undefined, atMs: number | undefined): Promise<HistoryPage> {
    const pk = resourcePk(tenant, resourceType, id);
    const input: QueryCommandInput = {
      TableName: this.tableName,
      ScanIndexForward: false,
      ConsistentRead: true,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :v)',
      ExpressionAttributeValues: { ':pk': pk, ':v': 'v#' },
      Limit: Math.max(query.count + 1, minimumRead),
    };
    const totals = atMs === undefined ? { total: await this.countInstance(input, sinceMs) } : {};
    if (query.count === 0) return { versions: [], ...totals };
    const start = query.cursor === undefined ? undefined : { pk, sk: decodeCursor(query.cursor, 'sk') };
    const stream = new QueryStream(this.client, input, start);
    let foundAt = false;
    const taken: Item[] = [];
    for (let item = await stream.peek(); item !== undefined && taken.length <= query.count; item = await stream.peek()) {
      stream.take();
      const ms = instantMs(text(item, 'lu'));
      if (sinceMs !== undefined && ms < sinceMs) continue;
      if (atMs !== undefined) {
        // Versions come newest first, so the first one at or before _at is the one current then.
        if (foundAt || ms > atMs) continue;
        foundAt = true;
      }
      taken.push(item);
    }
    return { ...page(taken, query.count, 'sk'), ...totals };
  }

  /** history-type and history-system: every shard of the GSI, merged newest first. */
  private async across(tenant: string, query: HistoryQuery, sinceMs: number | undefined, atMs: number | undefined): Promise<HistoryPage> {
    if (query.count === 0) return { versions: [] };
    const cursor = query.cursor === undefined ? undefined : decodeCursor(query.cursor, 'hsk');
    // Keyset paging: everything strictly before the cursor (hsk is unique per version), and
    // with _at nothing after it.
    const bounds = [cursor, atMs === undefined ? undefined : msKey(atMs + 1)].filter((b): b is string => b !== undefined);
    const upper = bounds.length === 0 ? undefined : bounds.reduce((a, b) => (a < b ? a : b));
    const values: Record<string, string> = {};
    let range = '';
    if (sinceMs !== undefined && upper !== undefined) {
      range = ' AND hsk BETWEEN :since AND :upper';
      values[':since'] = msKey(sinceMs);
      values[':upper'] = upper;
    } else if (sinceMs !== undefined) {
      range = ' AND hsk >= :since';
      values[':since'] = msKey(sinceMs);
    } else if (upper !== undefined) {
      range = ' AND hsk < :upper';
      values[':upper'] = upper;
    }
    const streams = Array.from({ length: historyShards }, (_, shard) => {
      const [indexName, partitionKey, partition] = query.resourceType !== undefined
        ? [typeHistoryIndex, 'tpk', typePk(tenant, query.resourceType, shard)]
        : [systemHistoryIndex, 'spk', systemPk(tenant, shard)];
      return new QueryStream(this.client, {
        TableName: this.tableName,
        IndexName: indexName,
        ScanIndexForward: false,
        KeyConditionExpression: `${partitionKey} = :p${range}`,
        ExpressionAttributeValues: { ...values, ':p': partition },
        Limit: Math.max(query.count + 1, minimumRead),
      });
    });
    const merged = new DescendingMerge(streams, (item) => text(item, 'hsk'));
    const taken: Item[] = [];
    while (taken.length <= query.count) {
      const batch = (await merged.next(query.count + 1 - taken.length)).filter((item) => text(item, 'hsk') !== upper);
      if (batch.length === 0) break;
      // _at: keep the versions that were current then, checked for the whole batch at once.
      const keep = atMs === undefined ? batch.map(() => true) : await Promise.all(batch.map((item) => this.isCurrentAt(item, atMs)));
      taken.push(...batch.filter((_, i) => keep[i]));
    }
    // GSIs are eventually consistent: a version may show here a moment after its commit (a
    // known, documented difference from the embedded store).
    return page(taken, query.count, 'hsk');
  }

  /** The versions of one resource (at or after _since), counted without reading them. */
  private async countInstance(input: QueryCommandInput, sinceMs: number | undefined): Promise<number> {
    // lastUpdated is stored as the core writes it, an ISO instant in UTC with milliseconds, so
    // string order is time order.
    const since = sinceMs === undefined ? {} : {
      FilterExpression: 'lu >= :since',
      ExpressionAttributeValues: { ...input.ExpressionAttributeValues, ':since': new Date(sinceMs).toISOString() },
    };
    let total = 0;
    let exclusiveStart: Record<string, unknown> | undefined;
    do {
      const { Limit: _limit, ...unlimited } = input;
      const result = await this.client.send(new QueryCommand({ ...unlimited, ...since, Select: 'COUNT', ...(exclusiveStart ? { ExclusiveStartKey: exclusiveStart } : {}) }));
      total += result.Count ?? 0;
      exclusiveStart = result.LastEvaluatedKey;
    } while (exclusiveStart !== undefined);
    return total;
  }

  /** True when no later version of the item's resource was written at or before `atMs`. */
  private async isCurrentAt(item: Item, atMs: number): Promise<boolean> {
    const result = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        ConsistentRead: true,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :after AND :end',
        ExpressionAttributeValues: { ':pk': text(item, 'pk'), ':after': `${text(item, 'sk')}\u0000`, ':end': 'v#\uffff' },
        ProjectionExpression: 'lu',
        Limit: 1,
      }),
    );
    const successor = result.Items?.[0];
    return successor === undefined || instantMs(text(successor, 'lu')) > atMs;
  }
}

/** The first `count` items as a page, with a cursor when one more was read. */
function page(taken: readonly Item[], count: number, positionKey: 'sk' | 'hsk'): HistoryPage {
  const hasMore = taken.length > count;
  const items = hasMore ? taken.slice(0, count) : taken;
  const versions: StoredVersion[] = items.map(toStoredVersion);
  const last = items[items.length - 1];
  return hasMore && last ? { versions, nextCursor: encodeCursor(positionKey, text(last, positionKey)) } : { versions };
}
