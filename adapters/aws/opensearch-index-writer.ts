// SearchIndexWriter on OpenSearch (core/ports/search-index.ts; issue 6), fed from two places:
// the write path (refresh `wait_for`, so a search right after an acknowledged write sees it)
// and the DynamoDB stream processor (the safety net, which may deliver late or twice).
//
// Both may race and repeat, so every write uses OpenSearch external versioning with the
// resource's numeric versionId: a version older than or equal to the indexed one is refused by
// OpenSearch itself (409) and ignored here. A delete indexes a tombstone document instead of
// deleting, so the version stays known and a late older version cannot bring the resource back.
import { Client, errors } from '@opensearch-project/opensearch';
import type { SearchIndexWriter } from '../../core/ports/search-index';
import type { IndexEntry } from '../../core/search/index-entry';
import { aliasName, documentId, indexBody, physicalIndexName, searchDocument, tombstoneDocument, type SearchDocument } from './opensearch-mappings';

/** One resource of a batch: its search values, or undefined to index a tombstone. */
export interface BatchItem {
  readonly resourceType: string;
  readonly id: string;
  readonly versionId: string;
  readonly entries: readonly IndexEntry[] | undefined;
}

export interface OpenSearchIndexWriterOptions {
  readonly client: Client;
  /** Index name prefix, e.g. `fhir` or a per-stage name. Lowercase. */
  readonly indexPrefix: string;
  /** `wait_for` on the write path; false (the default) from the stream processor. */
  readonly refresh?: 'wait_for' | false;
  /** refresh_interval of the indexes this writer creates, e.g. `200ms`; OpenSearch's 1s by default. */
  readonly refreshInterval?: string;
}

const numericVersion = /^[1-9]\d{0,17}$/;

function statusOf(error: unknown): number | undefined {
  return error instanceof errors.ResponseError ? error.statusCode ?? undefined : undefined;
}

function errorType(error: unknown): string | undefined {
  if (!(error instanceof errors.ResponseError)) return undefined;
  const body: unknown = error.body;
  if (typeof body !== 'object' || body === null || !('error' in body)) return undefined;
  const detail: unknown = body.error;
  return typeof detail === 'object' && detail !== null && 'type' in detail && typeof detail.type === 'string' ? detail.type : undefined;
}

export class OpenSearchIndexWriter implements SearchIndexWriter {
  private readonly client: Client;
  private readonly prefix: string;
  private readonly refresh: 'wait_for' | false;
  private readonly refreshInterval: string | undefined;
  private readonly ready = new Map<string, Promise<void>>();

  constructor(options: OpenSearchIndexWriterOptions) {
    this.client = options.client;
    this.prefix = options.indexPrefix;
    this.refresh = options.refresh ?? false;
    this.refreshInterval = options.refreshInterval;
  }

  async index(tenant: string, resourceType: string, id: string, versionId: string, entries: readonly IndexEntry[]): Promise<void> {
    await this.write(tenant, resourceType, id, versionId, searchDocument(tenant, resourceType, id, versionId, entries));
  }

  async unindex(tenant: string, resourceType: string, id: string, versionId: string): Promise<void> {
    await this.write(tenant, resourceType, id, versionId, tombstoneDocument(tenant, resourceType, id, versionId));
  }

  /**
   * Indexes (or, for `entries` undefined, tombstones) many resources in one _bulk request, with
   * the same versioning as index/unindex. Resolves with the failures, by position; stale or
   * repeated versions are not failures.
   */
  async indexBatch(tenant: string, items: readonly BatchItem[]): Promise<{ position: number; error: string }[]> {
    if (items.length === 0) return [];
    await Promise.all([...new Set(items.map((i) => i.resourceType))].map((type) => this.ensureIndex(type)));
    const body: Record<string, unknown>[] = [];
    for (const item of items) {
      const versioning = numericVersion.test(item.versionId) ? { version: Number(item.versionId), version_type: 'external' } : {};
      body.push({ index: { _index: aliasName(this.prefix, item.resourceType), _id: documentId(tenant, item.id), ...versioning } });
      body.push(item.entries === undefined
        ? tombstoneDocument(tenant, item.resourceType, item.id, item.versionId)
        : searchDocument(tenant, item.resourceType, item.id, item.versionId, item.entries));
    }
    const response = await this.client.bulk({ body, refresh: this.refresh });
    const results = (response.body as { items?: readonly Record<string, { status?: number; error?: unknown }>[] }).items ?? [];
    const failures: { position: number; error: string }[] = [];
    const stale = new Set<string>();
    results.forEach((result, position) => {
      const outcome = result.index;
      if (outcome?.status === 409) stale.add(items[position]?.resourceType ?? '');
      else if (outcome?.status !== undefined && outcome.status >= 300) failures.push({ position, error: JSON.stringify(outcome.error ?? outcome.status) });
    });
    await Promise.all([...stale].filter((type) => type !== '').map((type) => this.visibleNow(type)));
    return failures;
  }

  /** Creates the type's index and alias if missing (once per process and type). */
  ensureIndex(resourceType: string): Promise<void> {
    let ready = this.ready.get(resourceType);
    if (!ready) {
      ready = this.createIndex(resourceType);
      this.ready.set(resourceType, ready);
      ready.catch(() => this.ready.delete(resourceType));
    }
    return ready;
  }

  private async createIndex(resourceType: string): Promise<void> {
    const alias = aliasName(this.prefix, resourceType);
    const exists = await this.client.indices.exists({ index: alias });
    if (exists.body) return;
    try {
      await this.client.indices.create({
        index: physicalIndexName(this.prefix, resourceType),
        body: { ...indexBody(this.refreshInterval), aliases: { [alias]: {} } },
      });
    } catch (error) {
      // Another writer created it first.
      if (errorType(error) !== 'resource_already_exists_exception') throw error;
    }
  }

  private async write(tenant: string, resourceType: string, id: string, versionId: string, document: SearchDocument): Promise<void> {
    await this.ensureIndex(resourceType);
    const versioning = numericVersion.test(versionId) ? { version: Number(versionId), version_type: 'external' as const } : {};
    try {
      await this.client.index({
        index: aliasName(this.prefix, resourceType),
        id: documentId(tenant, id),
        body: document,
        refresh: this.refresh,
        ...versioning,
      });
    } catch (error) {
      // A stale or repeated version: the index already holds this version or a newer one.
      if (statusOf(error) !== 409) throw error;
      await this.visibleNow(resourceType);
    }
  }

  /**
   * After a 409 the version is in the index, but possibly written by the stream processor
   * without a refresh, and OpenSearch's `wait_for` does not apply to a refused write: on the
   * write path, refresh so that read-after-write still holds (a search right after the
   * acknowledged write sees it). Rare: only when the stream processor got there first.
   */
  private async visibleNow(resourceType: string): Promise<void> {
    if (this.refresh === 'wait_for') await this.client.indices.refresh({ index: aliasName(this.prefix, resourceType) });
  }
}
