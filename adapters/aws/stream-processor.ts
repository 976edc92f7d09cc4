// The DynamoDB stream processor Lambda (DESIGN.md: AWS data path; issue 6). Each committed
// version is one INSERT of a version item (dynamodb-items.ts), so the stream carries every
// version exactly once, in order per resource. For each one, in stream order, the processor
// 1. indexes it in OpenSearch (or indexes a tombstone for a delete), the safety net behind the
//    write path's own indexing; external versioning makes a repeated or older version a no-op,
//    so redelivery and out-of-order arrival are harmless (opensearch-index-writer.ts);
// 2. hands it to the change feed (GraphQL subscriptions, rest-hook Subscriptions).
// On the first record that fails it stops and reports that record in batchItemFailures, so
// Lambda retries from there and later versions of the same resource never overtake it
// (https://docs.aws.amazon.com/lambda/latest/dg/services-ddb-batchfailurereporting.html).
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

export function createStreamHandler(deps: StreamProcessorDeps): StreamHandler {
  return async (event) => {
    for (const record of event.Records) {
      try {
        const found = changeOf(record);
        if (!found) continue;
        const { change, index } = found;
        if (deps.indexWriter) {
          if (change.resource === undefined) await deps.indexWriter.unindex(change.tenant, change.resourceType, change.id, change.versionId);
          else await deps.indexWriter.index(change.tenant, change.resourceType, change.id, change.versionId, index ?? []);
        }
        await deps.changeFeed?.publish([change]);
      } catch (error) {
        deps.onRecordError?.(error, record);
        const sequenceNumber = record.dynamodb?.SequenceNumber;
        // Without a sequence number Lambda cannot checkpoint; failing the whole batch is the
        // only safe answer (an empty identifier does exactly that).
        return { batchItemFailures: [{ itemIdentifier: sequenceNumber ?? '' }] };
      }
    }
    return { batchItemFailures: [] };
  };
}
