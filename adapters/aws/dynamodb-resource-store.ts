// The AWS system of record: ResourceStore on one DynamoDB table (DESIGN.md: AWS data path;
// issue 6). Items and keys: dynamodb-items.ts; table and indexes: dynamodb-table.ts; history:
// dynamodb-history.ts.
//
// A commit is one TransactWriteItems call, so it lands whole or not at all: per resource one
// conditional Put of the current item (the optimistic-concurrency check: `vid = :expected`, or
// no current item when nothing is expected), and per write one Put of the immutable version
// item. Two actions per write against DynamoDB's 100 actions per transaction make the limit
// 50 writes per commit (maxAtomicWrites); the core answers a larger transaction bundle with
// BUNDLE_TOO_LARGE before it gets here, and commit() refuses one too.
import { createHash, randomUUID } from 'node:crypto';
import { DynamoDBClient, TransactionCanceledException, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  DynamoDBDocumentClient,
  GetCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { FhirError, VersionConflictError } from '../../core/errors/fhir-error';
import type {
  CommitOptions,
  CreateGuard,
  GuardClaim,
  HistoryPage,
  HistoryQuery,
  ResourceKey,
  ResourceStore,
  StoredVersion,
  WriteOperation,
} from '../../core/ports/resource-store';
import { isThrottlingReason, throttled, translateAwsError } from './aws-errors';
import { DynamoDbHistoryQueries } from './dynamodb-history';
import {
  currentSk,
  encodeBody,
  encodeIndex,
  historyShard,
  historySk,
  resourcePk,
  systemPk,
  toStoredVersion,
  typePk,
  versionSk,
  type VersionItem,
} from './dynamodb-items';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** DynamoDB's cap on actions in one TransactWriteItems call. */
export const maxTransactionActions = 100;
/** DynamoDB's cap on the aggregate item size of one TransactWriteItems call. */
export const maxTransactionBytes = 4 * 1024 * 1024;
/** BatchGetItem's cap on keys per call. */
const maxBatchGetKeys = 100;

export interface DynamoDbResourceStoreOptions {
  readonly tableName: string;
  /** A client to share (the store leaves it open on close), or config for one the store owns. */
  readonly client?: DynamoDBClient;
  readonly clientConfig?: DynamoDBClientConfig;
}

/** One resource's writes in a commit, in order; the first one's expectation guards them all. */
interface ResourceWrites {
  readonly resourceType: string;
  readonly id: string;
  readonly writes: WriteOperation[];
}

export class DynamoDbResourceStore implements ResourceStore {
  readonly maxAtomicWrites = maxTransactionActions / 2;

  private readonly raw: DynamoDBClient;
  private readonly ownsClient: boolean;
  private readonly client: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly historyQueries: DynamoDbHistoryQueries;

  constructor(options: DynamoDbResourceStoreOptions) {
    this.ownsClient = options.client === undefined;
    this.raw = options.client ?? new DynamoDBClient(options.clientConfig ?? {});
    this.client = DynamoDBDocumentClient.from(this.raw, { marshallOptions: { removeUndefinedValues: true } });
    this.tableName = options.tableName;
    this.historyQueries = new DynamoDbHistoryQueries(this.client, this.tableName);
  }

  async read(tenant: string, resourceType: string, id: string): Promise<StoredVersion | undefined> {
    const result = await this.call(() =>
      this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk: resourcePk(tenant, resourceType, id), sk: currentSk }, ConsistentRead: true })),
    );
    return result.Item ? toStoredVersion(result.Item) : undefined;
  }

  async readMany(tenant: string, keys: readonly ResourceKey[]): Promise<(StoredVersion | undefined)[]> {
    // BatchGetItem rejects repeated keys, so ask once per distinct resource and answer in order.
    const distinct = [...new Set(keys.map((k) => resourcePk(tenant, k.resourceType, k.id)))];
    const found = new Map<string, StoredVersion>();
    const chunks: string[][] = [];
    for (let i = 0; i < distinct.length; i += maxBatchGetKeys) chunks.push(distinct.slice(i, i + maxBatchGetKeys));
    await Promise.all(chunks.map(async (chunk) => {
      for (const item of await this.batchGet(chunk)) {
        if (typeof item.pk === 'string') found.set(item.pk, toStoredVersion(item));
      }
    }));
    return keys.map((k) => found.get(resourcePk(tenant, k.resourceType, k.id)));
  }

  async vread(tenant: string, resourceType: string, id: string, versionId: string): Promise<StoredVersion | undefined> {
    const result = await this.call(() =>
      this.client.send(
        new GetCommand({ TableName: this.tableName, Key: { pk: resourcePk(tenant, resourceType, id), sk: versionSk(versionId) }, ConsistentRead: true }),
      ),
    );
    return result.Item ? toStoredVersion(result.Item) : undefined;
  }

  async history(tenant: string, query: HistoryQuery): Promise<HistoryPage> {
    return this.call(() => this.historyQueries.run(tenant, query));
  }

  async readGuard(tenant: string, key: string): Promise<GuardClaim | undefined> {
    const result = await this.call(() => this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk: guardPk(tenant, key), sk: guardSk }, ConsistentRead: true })));
    const item = result.Item;
    if (item === undefined || typeof item['holder'] !== 'string' || typeof item['gt'] !== 'string' || typeof item['exp'] !== 'number') return undefined;
    return { holder: item['holder'], token: item['gt'], expiresAtMs: item['exp'] };
  }

  async commit(tenant: string, writes: readonly WriteOperation[], options: CommitOptions = {}): Promise<void> {
    if (writes.length === 0) return;
    const guards = options.guards ?? [];
    if (writes.length > this.maxAtomicWrites) {
      throw new FhirError(
        'BUNDLE_TOO_LARGE',
        `One commit on DynamoDB holds at most ${this.maxAtomicWrites} writes (TransactWriteItems allows ${maxTransactionActions} actions, two per write); this one has ${writes.length}`,
      );
    }
    const groups = groupByResource(writes);
    const items: TransactItem[] = [];
    const owners: ResourceWrites[] = [];
    for (const group of groups) {
      items.push(this.currentPut(tenant, group));
      owners.push(group);
    }
    for (const write of writes) items.push(this.versionPut(tenant, write));
    for (const guard of guards) items.push(this.guardPut(tenant, guard));
    if (items.length > maxTransactionActions) {
      throw new FhirError(
        'BUNDLE_TOO_LARGE',
        `One commit on DynamoDB holds at most ${maxTransactionActions} actions (TransactWriteItems); this one needs ${items.length}: two per write and one per conditional create`,
      );
    }
    const bytes = items.reduce((sum, item) => sum + itemBytes(item.Put?.Item ?? {}), 0);
    if (bytes > maxTransactionBytes) {
      // DynamoDB refuses a transaction whose items add up to more than 4 MB; say so plainly
      // instead of letting the request fail as an unexpected error.
      throw new FhirError(
        'BUNDLE_TOO_LARGE',
        `One commit on DynamoDB holds at most 4 MB of data (TransactWriteItems; each write stores its resource twice, current and version); this one needs about ${Math.ceil(bytes / 1024)} KB`,
      );
    }

    try {
      await this.client.send(new TransactWriteCommand({ TransactItems: items, ClientRequestToken: randomUUID() }));
    } catch (error) {
      throw await this.commitFailure(tenant, error, owners, writes);
    }
  }

  async close(): Promise<void> {
    if (this.ownsClient) this.raw.destroy();
  }

  private currentPut(tenant: string, group: ResourceWrites): TransactItem {
    const first = group.writes[0];
    const last = group.writes[group.writes.length - 1];
    if (!first || !last) throw new Error('empty resource group');
    const item: VersionItem = {
      pk: resourcePk(tenant, group.resourceType, group.id),
      sk: currentSk,
      tn: tenant,
      rt: group.resourceType,
      rid: group.id,
      vid: last.versionId,
      lu: last.lastUpdated,
      del: last.resource === undefined,
      ...encodeBody(last.resource),
    };
    // A tombstone is a current item too, so "nothing expected" means no item at all
    // (core/ports/resource-store.ts: a tombstone counts as existing).
    const condition = first.expectedVersionId === null
      ? { ConditionExpression: 'attribute_not_exists(pk)' }
      : { ConditionExpression: 'vid = :expected', ExpressionAttributeValues: { ':expected': first.expectedVersionId } };
    return { Put: { TableName: this.tableName, Item: item, ...condition, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' } };
  }

  /**
   * A conditional create's claim (core/interactions/create-guard.ts): put only if the stored
   * claim is still the one the create saw, in the same transaction as the create. Not a version
   * item, so the stream processor passes it by. An expired claim is not deleted (the table has no
   * TTL attribute): it stays as one small item per distinct criteria until the next create replaces it.
   */
  private guardPut(tenant: string, guard: CreateGuard): TransactItem {
    const item = { pk: guardPk(tenant, guard.key), sk: guardSk, tn: tenant, holder: guard.claim.holder, gt: guard.claim.token, exp: guard.claim.expiresAtMs };
    const condition = guard.expected === undefined
      ? { ConditionExpression: 'attribute_not_exists(pk)' }
      : { ConditionExpression: 'gt = :token', ExpressionAttributeValues: { ':token': guard.expected.token } };
    return { Put: { TableName: this.tableName, Item: item, ...condition } };
  }

  private versionPut(tenant: string, write: WriteOperation): TransactItem {
    const item: VersionItem = {
      pk: resourcePk(tenant, write.resourceType, write.id),
      sk: versionSk(write.versionId),
      tn: tenant,
      rt: write.resourceType,
      rid: write.id,
      vid: write.versionId,
      lu: write.lastUpdated,
      del: write.resource === undefined,
      ...encodeBody(write.resource),
      ...encodeIndex(write.index),
      tpk: typePk(tenant, write.resourceType, historyShard(write.resourceType, write.id)),
      spk: systemPk(tenant, historyShard(write.resourceType, write.id)),
      hsk: historySk(write.lastUpdated, write.resourceType, write.id, write.versionId),
    };
    // Versions are immutable: never overwrite one, even if a caller reuses a versionId.
    return { Put: { TableName: this.tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' } };
  }

  /** Translates a failed TransactWriteItems into the core's errors. */
  private async commitFailure(tenant: string, error: unknown, owners: readonly ResourceWrites[], writes: readonly WriteOperation[]): Promise<unknown> {
    if (!(error instanceof TransactionCanceledException)) return translateAwsError(error);
    const reasons = error.CancellationReasons ?? [];
    if (reasons.some((r) => isThrottlingReason(r.Code))) return throttled(error);
    for (const [i, reason] of reasons.entries()) {
      if (reason.Code !== 'ConditionalCheckFailed') continue;
      if (i >= owners.length + writes.length) return new VersionConflictError('Another create with the same conditional criteria committed first', undefined);
      const owner = owners[i];
      if (owner) {
        const current = attributeText(reason.Item?.vid);
        return conflict(owner.writes[0], current);
      }
      // A version item that already exists while the current item matched: only a caller
      // reusing a versionId gets here. Report the resource's current version all the same.
      const write = writes[i - owners.length];
      const current = write ? await this.read(tenant, write.resourceType, write.id) : undefined;
      return conflict(write, current?.versionId);
    }
    // TransactionConflict: another transaction held one of these items; the resource changed
    // concurrently, which the client resolves the same way as a version conflict.
    if (reasons.some((r) => r.Code === 'TransactionConflict')) {
      return new VersionConflictError('The resource was changed by a concurrent transaction; read it and retry', undefined);
    }
    return error;
  }

  private async batchGet(pks: readonly string[]): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let keys: Record<string, unknown>[] = pks.map((pk) => ({ pk, sk: currentSk }));
    for (let attempt = 0; keys.length > 0; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 25 * 2 ** attempt)));
      if (attempt > 8) throw throttled(new Error('BatchGetItem kept returning unprocessed keys'));
      const result = await this.call(() =>
        this.client.send(new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: keys, ConsistentRead: true } } })),
      );
      items.push(...(result.Responses?.[this.tableName] ?? []));
      keys = result.UnprocessedKeys?.[this.tableName]?.Keys ?? [];
    }
    return items;
  }

  private async call<T>(action: () => Promise<T>): Promise<T> {
    try {
      return await action();
    } catch (error) {
      throw translateAwsError(error);
    }
  }
}

/** Groups writes by resource in first-seen order, checking each write against the one before. */
function groupByResource(writes: readonly WriteOperation[]): ResourceWrites[] {
  const groups = new Map<string, ResourceWrites>();
  for (const write of writes) {
    const key = `${write.resourceType}/${write.id}`;
    const group = groups.get(key);
    if (!group) {
      groups.set(key, { resourceType: write.resourceType, id: write.id, writes: [write] });
      continue;
    }
    const previous = group.writes[group.writes.length - 1];
    if (previous && write.expectedVersionId !== previous.versionId) throw conflict(write, previous.versionId);
    group.writes.push(write);
  }
  return [...groups.values()];
}

const guardSk = 'g';

/** A claim's partition: `~` never occurs in a resource type, so it cannot meet a resource's key. */
function guardPk(tenant: string, key: string): string {
  return `${encodeURIComponent(tenant)}#~guard#${createHash('sha256').update(key).digest('hex')}`;
}

function conflict(write: WriteOperation | undefined, current: string | undefined): VersionConflictError {
  const name = write ? `${write.resourceType}/${write.id}` : 'A resource';
  const expected = write?.expectedVersionId == null ? 'no version' : `version ${write.expectedVersionId}`;
  return new VersionConflictError(`${name}: expected ${expected}, found ${current === undefined ? 'none' : `version ${current}`}`, current);
}

/** DynamoDB's item size: attribute names plus values (strings as UTF-8, binary as bytes). */
function itemBytes(item: Record<string, unknown>): number {
  let bytes = 0;
  for (const [name, value] of Object.entries(item)) {
    bytes += Buffer.byteLength(name, 'utf8');
    if (typeof value === 'string') bytes += Buffer.byteLength(value, 'utf8');
    else if (value instanceof Uint8Array) bytes += value.byteLength;
    else bytes += 21; // numbers and booleans: at most 21 bytes
  }
  return bytes;
}

/** An attribute from a cancellation reason: the SDK leaves these in AttributeValue form. */
function attributeText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null && 'S' in value && typeof value.S === 'string') return value.S;
  return undefined;
}
