// The shared search cases on the embedded backend: SqliteResourceStore with the search index
// writer, real SQLite in memory, writes through the store's commit (index in the same transaction).
import { SqliteResourceStore } from '../../adapters/embedded/sqlite-store';
import { SqliteSearchIndex } from '../../adapters/embedded/sqlite-search-index';
import { sqliteSearchIndexWriter } from '../../adapters/embedded/sqlite-search-writer';
import { allowAllPolicy } from '../../core/authz/access-policy';
import { defaultCoreConfig } from '../../core/config';
import type { Resource } from '../../core/fhir-types';
import { extractIndexEntries } from '../../core/search/extract';
import { describeSearchCases, engineWithTerminology, type SearchBackend } from './describe-search-cases';

async function makeSqliteBackend(): Promise<SearchBackend> {
  const store = new SqliteResourceStore({ filename: ':memory:', indexWriter: sqliteSearchIndexWriter });
  const index = new SqliteSearchIndex(store.database);
  return {
    async put(tenant: string, resources: readonly Resource[], lastUpdated = new Date().toISOString()): Promise<void> {
      const current = await store.readMany(tenant, resources.map((r) => ({ resourceType: r.resourceType, id: r.id ?? '' })));
      await store.commit(tenant, resources.map((r, i) => {
        const before = current[i];
        const versionId = String(Number(before?.versionId ?? '0') + 1);
        const resource: Resource = { ...r, meta: { ...(r.meta ?? {}), versionId, lastUpdated } };
        return { resourceType: r.resourceType, id: r.id ?? '', expectedVersionId: before?.versionId ?? null, versionId, lastUpdated, resource, index: extractIndexEntries(resource) };
      }));
    },
    engine: (access = allowAllPolicy) => engineWithTerminology({ index, store, access, config: defaultCoreConfig }),
    close: () => store.close(),
  };
}

describeSearchCases('SQLite', makeSqliteBackend);
