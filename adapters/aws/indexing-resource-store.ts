// Read-after-write on AWS (DESIGN.md: AWS data path): a search issued right after an
// acknowledged write must see it, so the write path indexes each committed version itself
// (the index writer refreshes with `wait_for`) instead of waiting for the stream. The commit is
// the point of truth: once it has landed the write is acknowledged, and an indexing failure is
// only reported, because the stream processor indexes the same versions again (idempotently,
// by version) moments later.
import type {
  HistoryPage,
  HistoryQuery,
  ResourceKey,
  ResourceStore,
  StoredVersion,
  WriteOperation,
} from '../../core/ports/resource-store';
import type { SearchIndexWriter } from '../../core/ports/search-index';

export interface IndexingResourceStoreOptions {
  readonly store: ResourceStore;
  readonly indexWriter: SearchIndexWriter;
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

  async commit(tenant: string, writes: readonly WriteOperation[]): Promise<void> {
    await this.store.commit(tenant, writes);
    // Only the last write of each resource matters to the index; older ones would be refused.
    const latest = new Map<string, WriteOperation>();
    for (const write of writes) latest.set(`${write.resourceType}/${write.id}`, write);
    await Promise.all([...latest.values()].map(async (write) => {
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
