// The SQLite planner reads a page in one of several ways (a bounded walk in row order, a
// counted driver, a walk of the sort index, a full sort; adapters/embedded/sqlite-search-plan.ts).
// Whatever it picks, small pages followed by cursor must give exactly the matches, in the order,
// of one large page, and the total must count them: checked here over generated data.
import { SqliteSearchIndex } from '../../adapters/embedded/sqlite-search-index';
import { sqliteSearchIndexWriter } from '../../adapters/embedded/sqlite-search-writer';
import { SqliteResourceStore } from '../../adapters/embedded/sqlite-store';
import { allowAllPolicy } from '../../core/authz/access-policy';
import { defaultCoreConfig } from '../../core/config';
import type { Bundle } from '../../core/fhir-types';
import type { WriteOperation } from '../../core/ports/resource-store';
import type { SearchEngine } from '../../core/search-engine';
import { createSearchEngine } from '../../core/search/engine';
import { extractIndexEntries } from '../../core/search/extract';
import { searchDataSet } from '../../bench/search-data';
import { contextFor, keysOf } from './describe-search-cases';

const QUERIES: readonly [string, string][] = [
  ['Observation', ''],
  ['Observation', 'code=http://loinc.org|8867-4'],
  ['Observation', 'code=http://loinc.org|8867-4,http://loinc.org|2339-0&status=final'],
  ['Observation', 'date=ge2018-01-01&date=lt2019-01-01'],
  ['Observation', 'date=ge2018-01-01&date=lt2019-01-01&_sort=-date'],
  ['Observation', 'code=http://loinc.org|8867-4&_sort=date'],
  ['Observation', 'subject:Patient.name=smith'],
  ['Observation', 'category=laboratory&_sort=-value-quantity'],
  ['Patient', '_sort=birthdate'],
  ['Patient', '_sort=-family'],
  ['Patient', 'gender=female&_sort=-birthdate'],
  ['Patient', 'name=m&_sort=given'],
  ['Patient', 'gender:not=female'],
  ['Patient', '_has:Condition:patient:code=http://snomed.info/sct|44054006'],
  ['Patient', '_has:Observation:patient:status=final&gender=female'],
  ['Observation', 'subject:Patient.gender=female&status=final'],
  ['Observation', 'patient._has:Condition:patient:code=http://snomed.info/sct|44054006'],
  ['Patient', 'address-city=springfield&_sort=gender,-birthdate'],
  ['Patient', '_sort=family,-birthdate'],
  ['Patient', '_sort=-gender,given'],
  ['Patient', 'active=true&_sort=-birthdate,family'],
  ['Observation', '_sort=code,-date'],
  ['Encounter', 'class=AMB&_sort=-date'],
  ['Condition', 'onset-date=lt2000&_sort=-onset-date'],
];

let store: SqliteResourceStore;
let engine: SearchEngine;
const ctx = contextFor('default');

beforeAll(async () => {
  store = new SqliteResourceStore({ filename: ':memory:', indexWriter: sqliteSearchIndexWriter });
  const lastUpdated = '2025-01-01T00:00:00.000Z';
  const writes: WriteOperation[] = searchDataSet(400).map((r) => {
    const resource = { ...r, meta: { versionId: '1', lastUpdated } };
    return { resourceType: r.resourceType, id: r.id ?? '', expectedVersionId: null, versionId: '1', lastUpdated, resource, index: extractIndexEntries(resource) };
  });
  await store.commit('default', writes);
  engine = createSearchEngine({ index: new SqliteSearchIndex(store.database), store, access: allowAllPolicy, config: { ...defaultCoreConfig, maxPageSize: 5000 } });
});

afterAll(async () => {
  await store.close();
});

async function search(type: string, query: string): Promise<Bundle> {
  return engine.search(ctx, { resourceType: type }, [...new URLSearchParams(query)], { strict: true });
}

describe('SQLite search plans agree', () => {
  it.each(QUERIES)('%s?%s: small pages equal one large page, and the total counts it', async (type, query) => {
    const all = await search(type, `${query}&_count=5000&_total=accurate`);
    const paged: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await search(type, `${query}&_count=13&_total=none${cursor ? `&_cursor=${cursor}` : ''}`);
      paged.push(...keysOf(page, 'match'));
      const next = page.link?.find((l) => l.relation === 'next')?.url;
      cursor = next === undefined ? undefined : new URL(next).searchParams.get('_cursor') ?? undefined;
      pages += 1;
    } while (cursor !== undefined && pages < 1000);
    expect(paged).toEqual(keysOf(all, 'match'));
    expect(all.total).toBe(paged.length);
  });
});
