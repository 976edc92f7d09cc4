// History queries of the DynamoDB store (https://hl7.org/fhir/R4/http.html#history):
// history-instance on the base table (versions of one resource, sort key = version order),
// history-type and history-system on their GSIs (sort key = lastUpdated, then type, id, version).
//
// Newest first, keyset paging: the cursor is the sort key of the last version returned, so
// versions committed while a client pages sort before it and neither skip nor repeat a row.
// `total` is given for history-instance (one partition, counted with Select COUNT) and left out
// for -type and -system: counting a type's or a tenant's whole history reads all of it.
import { QueryCommand, type DynamoDBDocumentClient, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { FhirError } from '../../core/errors/fhir-error';
import type { HistoryPage, HistoryQuery, StoredVersion } from '../../core/ports/resource-store';
import {
  instantMs,
  msKey,
  resourcePk,
  systemPk,
  toStoredVersion,
  typePk,
} from './dynamodb-items';
import { systemHistoryIndex, typeHistoryIndex } from './dynamodb-table';

type Item = Record<string, unknown>;

interface Scan {
  readonly input: QueryCommandInput;
  /** The attribute whose value is the keyset position (sk for instance, hsk otherwise). */
  readonly positionKey: 'sk' | 'hsk';
}

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
    const scan = this.scan(tenant, query, sinceMs, atMs);
    const totals = query.id !== undefined && atMs === undefined ? { total: await this.countInstance(scan, sinceMs) } : {};
    if (query.count === 0) return { versions: [], ...totals };

    const accept = this.filter(query, sinceMs, atMs);
    const taken: Item[] = [];
    let exclusiveStart = query.cursor === undefined ? undefined : this.startKey(tenant, query, scan, decodeCursor(query.cursor, scan.positionKey));
    // Read until one more accepted version than the page needs (which says a next page exists).
    for (;;) {
      const result = await this.client.send(new QueryCommand({ ...scan.input, Limit: Math.max(query.count + 1, 25), ...(exclusiveStart ? { ExclusiveStartKey: exclusiveStart } : {}) }));
      const items = result.Items ?? [];
      const kept = await accept(items);
      for (const item of kept) {
        taken.push(item);
        if (taken.length > query.count) break;
      }
      if (taken.length > query.count || result.LastEvaluatedKey === undefined) break;
      exclusiveStart = result.LastEvaluatedKey;
    }
    const hasMore = taken.length > query.count;
    const page = hasMore ? taken.slice(0, query.count) : taken;
    const versions: StoredVersion[] = page.map(toStoredVersion);
    const last = page[page.length - 1];
    return hasMore && last ? { versions, ...totals, nextCursor: encodeCursor(scan.positionKey, text(last, scan.positionKey)) } : { versions, ...totals };
  }

  /** The versions of one resource (at or after _since), counted without reading them. */
  private async countInstance(scan: Scan, sinceMs: number | undefined): Promise<number> {
    // lastUpdated is stored as the core writes it, an ISO instant in UTC with milliseconds, so
    // string order is time order.
    const since = sinceMs === undefined ? {} : {
      FilterExpression: 'lu >= :since',
      ExpressionAttributeValues: { ...scan.input.ExpressionAttributeValues, ':since': new Date(sinceMs).toISOString() },
    };
    let total = 0;
    let exclusiveStart: Record<string, unknown> | undefined;
    do {
      const result = await this.client.send(new QueryCommand({ ...scan.input, ...since, Select: 'COUNT', ...(exclusiveStart ? { ExclusiveStartKey: exclusiveStart } : {}) }));
      total += result.Count ?? 0;
      exclusiveStart = result.LastEvaluatedKey;
    } while (exclusiveStart !== undefined);
    return total;
  }

  private scan(tenant: string, query: HistoryQuery, sinceMs: number | undefined, atMs: number | undefined): Scan {
    const base = { TableName: this.tableName, ScanIndexForward: false };
    if (query.resourceType !== undefined && query.id !== undefined) {
      return {
        positionKey: 'sk',
        input: {
          ...base,
          ConsistentRead: true,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :v)',
          ExpressionAttributeValues: { ':pk': resourcePk(tenant, query.resourceType, query.id), ':v': 'v#' },
        },
      };
    }
    // GSIs are eventually consistent; the base table's strongly consistent reads cannot serve a
    // query across partitions (a known, documented difference from the embedded store).
    const [indexName, partitionKey, partition] = query.resourceType !== undefined
      ? [typeHistoryIndex, 'tpk', typePk(tenant, query.resourceType)]
      : [systemHistoryIndex, 'spk', systemPk(tenant)];
    const values: Record<string, string> = { ':p': partition };
    const range: string[] = [];
    if (sinceMs !== undefined) {
      range.push('hsk >= :since');
      values[':since'] = msKey(sinceMs);
    }
    if (atMs !== undefined) {
      range.push('hsk < :after');
      values[':after'] = msKey(atMs + 1);
    }
    const rangeCondition = range.length === 2 ? ' AND hsk BETWEEN :since AND :after' : range.length === 1 ? ` AND ${range[0]}` : '';
    return {
      positionKey: 'hsk',
      input: { ...base, IndexName: indexName, KeyConditionExpression: `${partitionKey} = :p${rangeCondition}`, ExpressionAttributeValues: values },
    };
  }

  /** ExclusiveStartKey for the version at `position` (the base table key plus the index key). */
  private startKey(tenant: string, query: HistoryQuery, scan: Scan, position: string): Record<string, string> {
    if (scan.positionKey === 'sk') {
      return { pk: resourcePk(tenant, query.resourceType ?? '', query.id ?? ''), sk: position };
    }
    // hsk = {ms}#{type}#{id}#{version}: the type and id name the version's own partition.
    const parts = position.split('#');
    if (parts.length !== 4) throw new FhirError('INVALID_REQUEST', 'The history paging cursor is not valid; start again from the first page', { expression: ['_cursor'] });
    const [, type = '', id = '', version = ''] = parts;
    const key: Record<string, string> = { pk: `${systemPk(tenant)}#${type}#${id}`, sk: `v#${version}`, hsk: position };
    if (query.resourceType !== undefined) key.tpk = typePk(tenant, query.resourceType);
    else key.spk = systemPk(tenant);
    return key;
  }

  /** Post-filters for what key conditions cannot say: _since/_at on an instance, and _at's "current then". */
  private filter(query: HistoryQuery, sinceMs: number | undefined, atMs: number | undefined): (items: Item[]) => Promise<Item[]> {
    const instance = query.id !== undefined;
    if (instance) {
      let foundAt = false;
      return async (items) =>
        items.filter((item) => {
          const ms = instantMs(text(item, 'lu'));
          if (sinceMs !== undefined && ms < sinceMs) return false;
          if (atMs === undefined) return true;
          // Versions come newest first, so the first one at or before _at is the one current then.
          if (foundAt || ms > atMs) return false;
          foundAt = true;
          return true;
        });
    }
    if (atMs === undefined) return async (items) => items;
    return async (items) => {
      const current = await Promise.all(items.map((item) => this.isCurrentAt(item, atMs)));
      return items.filter((_, i) => current[i]);
    };
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
