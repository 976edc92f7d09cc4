// Read-after-write on AWS (DESIGN.md: AWS data path): a search issued right after an
// acknowledged write must see it, so the write path indexes each committed version itself
// (the index writer refreshes with `wait_for`) instead of waiting for the stream. The commit is
// the point of truth: once it has landed the write is acknowledged, and an indexing failure is
// only reported, because the stream processor indexes the same versions again (idempotently,
// by version) moments later.
import type {
  CommitOptions,
  GuardClaim,
  HistoryPage,
  HistoryQuery,
  ResourceKey,
  ResourceStore,
  StoredVersion,
  WriteOperation,
} from '../../core/ports/resource-store';
import type { SearchIndexWriter } from '../../core/ports/search-index';
import type { BatchItem } from './opensearch-index-writer';

/** A writer that can also index many resources in one request (OpenSearchIndexWriter). */
export interface BatchIndexWriter extends SearchIndexWriter {
  indexBatch(tenant: string, items: readonly BatchItem[]): Promise<{ position: number; error: string }[]>;
}

function isBatchWriter(writer: SearchIndexWriter | BatchIndexWriter): writer is BatchIndexWriter {
  return 'indexBatch' in writer && typeof writer.indexBatch === 'function';
}

export interface IndexingResourceStoreOptions {
  readonly store: ResourceStore;
  readonly indexWriter: SearchIndexWriter | BatchIndexWriter;
  /** Told when indexing a committed write failed (the stream processor will repair it). */
  readonly onIndexError: (error: unknown, tenant: string, write: WriteOperation) => void;
}

/** A ResourceStore that also indexes what it commits. */
export class IndexingResourceStore implements ResourceStore {
  readonly maxAtomicWrites: number;
  private readonly store: ResourceStore;
  private readonly indexWriter: SearchIndexWriter;
  private readonly onIndexError: IndexingResourceStoreOptions['onIndexError'];

  constructor(options: IndexingResourceStoreOptions) {
    this.store = options.store;
    this.indexWriter = options.indexWriter;
    this.onIndexError = options.onIndexError;
    this.maxAtomicWrites = options.store.maxAtomicWrites;
  }

  read(tenant: string, resourceType: string, id: string): Promise<StoredVersion | undefined> {
    return this.store.read(tenant, resourceType, id);
  }

  readMany(tenant: string, keys: readonly ResourceKey[]): Promise<(StoredVersion | undefined)[]> {
    return this.store.readMany(tenant, keys);
  }

  vread(tenant: string, resourceType: string, id: string, versionId: string): Promise<StoredVersion | undefined> {
    return this.store.vread(tenant, resourceType, id, versionId);
  }

  history(tenant: string, query: HistoryQuery): Promise<HistoryPage> {
    return this.store.history(tenant, query);
  }

  readGuard(tenant: string, key: string): Promise<GuardClaim | undefined> {
    return this.store.readGuard(tenant, key);
  }

  async commit(tenant: string, writes: readonly WriteOperation[], options?: CommitOptions): Promise<void> {
    await this.store.commit(tenant, writes, options);
    // Only the last write of each resource matters to the index; older ones would be refused.
    const latest = new Map<string, WriteOperation>();
    for (const write of writes) latest.set(`${write.resourceType}/${write.id}`, write);
    const toIndex = [...latest.values()];
    const writer = this.indexWriter;
    if (isBatchWriter(writer) && toIndex.length > 1) {
      // One request for a whole transaction rather than one per resource.
      try {
        const failures = await writer.indexBatch(tenant, toIndex.map((w) => ({ resourceType: w.resourceType, id: w.id, versionId: w.versionId, entries: w.resource === undefined ? undefined : w.index })));
        for (const failure of failures) {
          const write = toIndex[failure.position];
          if (write) this.onIndexError(new Error(failure.error), tenant, write);
        }
      } catch (error) {
        for (const write of toIndex) this.onIndexError(error, tenant, write);
      }
      return;
    }
    await Promise.all(toIndex.map(async (write) => {
      try {
        if (write.resource === undefined) await this.indexWriter.unindex(tenant, write.resourceType, write.id, write.versionId);
        else await this.indexWriter.index(tenant, write.resourceType, write.id, write.versionId, write.index);
      } catch (error) {
        this.onIndexError(error, tenant, write);
      }
    }));
  }

  close(): Promise<void> {
    return this.store.close();
  }
}
