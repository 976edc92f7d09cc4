// The DynamoDB stream processor Lambda (DESIGN.md: AWS data path; issue 6). Each committed
// version is one INSERT of a version item (dynamodb-items.ts), so the stream carries every
// version exactly once, in order per resource. For each one, in stream order, the processor
// 1. indexes it in OpenSearch (or indexes a tombstone for a delete), the safety net behind the
//    write path's own indexing; external versioning makes a repeated or older version a no-op,
//    so redelivery and out-of-order arrival are harmless (opensearch-index-writer.ts);
// 2. hands it to the change feed (GraphQL subscriptions, rest-hook Subscriptions).
// Resources are processed side by side (`concurrency`), each resource's versions strictly in
// stream order. A resource stops at its first failing record; the handler reports the earliest
// failing record of the batch in batchItemFailures, so Lambda retries from there and no later
// version of a resource overtakes an earlier one
// (https://docs.aws.amazon.com/lambda/latest/dg/services-ddb-batchfailurereporting.html).
// Other resources' records after that point are delivered again: indexing ignores them (same
// version), and the change feed is at least once, so subscribers may see a change twice.
// Current-item records and removals carry nothing new and are skipped.
import type { AttributeValue, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { ChangeFeed, ResourceChange } from '../../core/ports/change-feed';
import type { SearchIndexWriter } from '../../core/ports/search-index';
import { indexOf, isVersionSk, tenantOf, toStoredVersion } from './dynamodb-items';

export interface StreamProcessorDeps {
  /** Absent when the deployment has no search index. */
  readonly indexWriter?: SearchIndexWriter;
  /** Absent when nothing subscribes to changes. */
  readonly changeFeed?: ChangeFeed;
  /** Told about each failed record before it is reported for retry. */
  readonly onRecordError?: (error: unknown, record: DynamoDBRecord) => void;
  /** Resources processed at once. Default 8. */
  readonly concurrency?: number;
}

/** One record to process: its place in the batch and what it announces (or why it cannot be read). */
interface Pending {
  readonly position: number;
  readonly record: DynamoDBRecord;
  readonly found: Exclude<ReturnType<typeof changeOf>, undefined> | undefined;
  readonly unreadable?: unknown;
}

export type StreamHandler = (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse>;

/** A stream image attribute as a plain value (binary stays base64 text, as Lambda delivers it). */
function plain(value: AttributeValue): unknown {
  if (value.S !== undefined) return value.S;
  if (value.N !== undefined) return Number(value.N);
  if (value.BOOL !== undefined) return value.BOOL;
  if (value.B !== undefined) return value.B;
  if (value.NULL !== undefined) return null;
  if (value.M !== undefined) return plainImage(value.M);
  if (value.L !== undefined) return value.L.map(plain);
  if (value.SS !== undefined) return value.SS;
  if (value.NS !== undefined) return value.NS.map(Number);
  if (value.BS !== undefined) return value.BS;
  return undefined;
}

function plainImage(image: Record<string, AttributeValue>): Record<string, unknown> {
  const item: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(image)) item[name] = plain(value);
  return item;
}

/** The committed version a record announces, or undefined for records that announce none. */
export function changeOf(record: DynamoDBRecord): { change: ResourceChange; index: ReturnType<typeof indexOf> } | undefined {
  const image = record.dynamodb?.NewImage;
  if (record.eventName !== 'INSERT' || !image) return undefined;
  const item = plainImage(image);
  if (typeof item.sk !== 'string' || !isVersionSk(item.sk)) return undefined;
  const version = toStoredVersion(item);
  const action = version.resource === undefined ? 'delete' : version.versionId === '1' ? 'create' : 'update';
  return {
    change: { tenant: tenantOf(item), action, resourceType: version.resourceType, id: version.id, versionId: version.versionId, lastUpdated: version.lastUpdated, resource: version.resource },
    index: indexOf(item),
  };
}

/** Records that announce a change, grouped by resource in stream order. */
function groupByResource(records: readonly DynamoDBRecord[]): Pending[][] {
  const groups = new Map<string, Pending[]>();
  records.forEach((record, position) => {
    let pending: Pending;
    let key: string;
    try {
      const found = changeOf(record);
      if (!found) return;
      pending = { position, record, found };
      key = JSON.stringify([found.change.tenant, found.change.resourceType, found.change.id]);
    } catch (error) {
      // Unreadable: its own group, failing when processed (and so retried, then dead-lettered).
      pending = { position, record, found: undefined, unreadable: error };
      key = `unreadable:${position}`;
    }
    const group = groups.get(key);
    if (group) group.push(pending);
    else groups.set(key, [pending]);
  });
  return [...groups.values()];
}

export function createStreamHandler(deps: StreamProcessorDeps): StreamHandler {
  const concurrency = Math.max(1, Math.floor(deps.concurrency ?? 8));

  async function processOne(pending: Pending): Promise<void> {
    if (!pending.found) throw pending.unreadable;
    const { change, index } = pending.found;
    if (deps.indexWriter) {
      if (change.resource === undefined) await deps.indexWriter.unindex(change.tenant, change.resourceType, change.id, change.versionId);
      else await deps.indexWriter.index(change.tenant, change.resourceType, change.id, change.versionId, index ?? []);
    }
    await deps.changeFeed?.publish([change]);
  }

  return async (event) => {
    const queue = groupByResource(event.Records);
    const failed: Pending[] = [];
    const worker = async (): Promise<void> => {
      for (let group = queue.shift(); group !== undefined; group = queue.shift()) {
        for (const pending of group) {
          try {
            await processOne(pending);
          } catch (error) {
            deps.onRecordError?.(error, pending.record);
            failed.push(pending);
            break;
          }
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, queue.length) }, worker));
    if (failed.length === 0) return { batchItemFailures: [] };
    const earliest = failed.reduce((a, b) => (b.position < a.position ? b : a));
    // Without a sequence number Lambda cannot checkpoint; failing the whole batch is the only
    // safe answer (an empty identifier does exactly that).
    return { batchItemFailures: [{ itemIdentifier: earliest.record.dynamodb?.SequenceNumber ?? '' }] };
  };
}
