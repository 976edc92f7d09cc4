import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { allowAllPolicy } from '../../core/authz/access-policy';
import { defaultCoreConfig } from '../../core/config';
import type { Resource } from '../../core/fhir-types';
import type { RequestContext } from '../../core/request';
import { createSearchEngine } from '../../core/search/engine';
import { extractIndexEntries } from '../../core/search/extract';
import { SqliteSearchIndex } from './sqlite-search-index';
import { sqliteSearchIndexWriter } from './sqlite-search-writer';
import { SqliteResourceStore } from './sqlite-store';

const ctx: RequestContext = { principal: { subject: 't', groups: [], scopes: [] }, tenant: 'default', baseUrl: 'http://x/fhir', correlationId: 'c' };

function setup(): { store: SqliteResourceStore; put: (resources: Resource[], deleted?: boolean) => Promise<void>; search: (type: string, query: string) => Promise<string[]> } {
  const store = new SqliteResourceStore({ filename: ':memory:', indexWriter: sqliteSearchIndexWriter });
  const engine = createSearchEngine({ index: new SqliteSearchIndex(store.database), store, access: allowAllPolicy, config: defaultCoreConfig, defaultTotal: 'none' });
  const put = async (resources: Resource[], deleted = false): Promise<void> => {
    const current = await store.readMany('default', resources.map((r) => ({ resourceType: r.resourceType, id: r.id ?? '' })));
    await store.commit('default', resources.map((r, i) => {
      const versionId = String(Number(current[i]?.versionId ?? '0') + 1);
      const resource = deleted ? undefined : { ...r, meta: { versionId, lastUpdated: '2024-01-01T00:00:00.000Z' } };
      return { resourceType: r.resourceType, id: r.id ?? '', expectedVersionId: current[i]?.versionId ?? null, versionId, lastUpdated: '2024-01-01T00:00:00.000Z', resource, index: resource ? extractIndexEntries(resource) : [] };
    }));
  };
  const search = async (type: string, query: string): Promise<string[]> => {
    const bundle = await engine.search(ctx, { resourceType: type }, [...new URLSearchParams(query)], { strict: true });
    return (bundle.entry ?? []).filter((e) => e.search?.mode === 'match').map((e) => e.resource?.id ?? '');
  };
  return { store, put, search };
}

describe('SqliteSearchIndex', () => {
  it('replaces the index values of a resource on update', async () => {
    const { store, put, search } = setup();
    await put([{ resourceType: 'Patient', id: 'a', name: [{ family: 'Old' }] }]);
    await put([{ resourceType: 'Patient', id: 'a', name: [{ family: 'New' }] }]);
    expect([await search('Patient', 'name=old'), await search('Patient', 'name=new')]).toEqual([[], ['a']]);
    await store.close();
  });

  it('forgets a deleted resource', async () => {
    const { store, put, search } = setup();
    await put([{ resourceType: 'Patient', id: 'a', name: [{ family: 'Gone' }] }]);
    await put([{ resourceType: 'Patient', id: 'a' }], true);
    expect(await search('Patient', 'name=gone')).toEqual([]);
    await store.close();
  });

  it('writes no index rows when the commit fails', async () => {
    const { store, put, search } = setup();
    await put([{ resourceType: 'Patient', id: 'a', name: [{ family: 'First' }] }]);
    const commit = store.commit('default', [
      { resourceType: 'Patient', id: 'b', expectedVersionId: null, versionId: '1', lastUpdated: '2024-01-01T00:00:00.000Z', resource: { resourceType: 'Patient', id: 'b' }, index: extractIndexEntries({ resourceType: 'Patient', id: 'b', name: [{ family: 'Phantom' }] }) },
      { resourceType: 'Patient', id: 'a', expectedVersionId: '7', versionId: '8', lastUpdated: '2024-01-01T00:00:00.000Z', resource: { resourceType: 'Patient', id: 'a' }, index: [] },
    ]);
    await expect(commit).rejects.toThrow();
    expect(await search('Patient', 'name=phantom')).toEqual([]);
    await store.close();
  });

  it('treats SQL in a value as data', async () => {
    const { store, put, search } = setup();
    const evil = "x' OR 1=1; DROP TABLE sp_resource; --";
    await put([{ resourceType: 'Patient', id: 'a', name: [{ family: evil }] }, { resourceType: 'Patient', id: 'b', name: [{ family: 'Other' }] }]);
    expect([await search('Patient', `family:exact=${encodeURIComponent(evil)}`), await search('Patient', '_text="a" OR "b"')]).toEqual([['a'], []]);
    await store.close();
  });

  it('finds sparse matches beyond the first rows walked', async () => {
    const { store, put, search } = setup();
    const many: Resource[] = Array.from({ length: 3000 }, (_v, i) => ({ resourceType: 'Patient', id: `p${i}`, gender: i === 2999 || i === 2500 ? 'other' : 'female' }));
    await put(many);
    expect(await search('Patient', 'gender=other')).toEqual(['p2500', 'p2999']);
    await store.close();
  });

  it('matches a ge/lt pair held by two different values of one parameter', async () => {
    const { store, put, search } = setup();
    // Neither date lies in [2020, 2021), but one is >= 2020 and the other < 2021: each condition holds
    // on its own (search.html#combining), so the resource matches.
    await put([
      { resourceType: 'Goal', id: 'two', lifecycleStatus: 'active', description: { text: 'x' }, subject: { reference: 'Patient/1' }, target: [{ dueDate: '2019-06-01' }, { dueDate: '2022-06-01' }] },
      { resourceType: 'Goal', id: 'late', lifecycleStatus: 'active', description: { text: 'x' }, subject: { reference: 'Patient/1' }, target: [{ dueDate: '2025-06-01' }] },
      { resourceType: 'Goal', id: 'inside', lifecycleStatus: 'active', description: { text: 'x' }, subject: { reference: 'Patient/1' }, target: [{ dueDate: '2020-06-01' }] },
    ]);
    expect(await search('Goal', 'target-date=ge2020-01-01&target-date=lt2021-01-01')).toEqual(['two', 'inside']);
    await store.close();
  });

  it('sorts by a repeating element on its lowest (ascending) or highest (descending) value, page after page, missing values last', async () => {
    const { store, put } = setup();
    const names = ['ann', 'bob', 'cy', 'dee', 'eve', 'fay', 'gus', 'hal'];
    const patients: Resource[] = Array.from({ length: 60 }, (_v, i) => ({
      resourceType: 'Patient', id: `p${String(i).padStart(2, '0')}`,
      ...(i % 9 === 4 ? {} : { name: [{ given: [names[(i * 5) % 8] ?? '', names[(i * 3 + 1) % 8] ?? ''] }] }),
    }));
    await put(patients);
    // Many matches, no condition: the page is read in index order (sqlite-search-sort-walk.ts).
    const engine = createSearchEngine({ index: new SqliteSearchIndex(store.database), store, access: allowAllPolicy, config: defaultCoreConfig, defaultTotal: 'none' });
    const walk = async (sort: string): Promise<string[]> => {
      const ids: string[] = [];
      let cursor: string | undefined;
      do {
        const bundle = await engine.search(ctx, { resourceType: 'Patient' }, [...new URLSearchParams(`_sort=${sort}&_count=7${cursor ? `&_cursor=${cursor}` : ''}`)], { strict: true });
        ids.push(...(bundle.entry ?? []).map((e) => e.resource?.id ?? ''));
        const next = bundle.link?.find((l) => l.relation === 'next')?.url;
        cursor = next === undefined ? undefined : new URL(next).searchParams.get('_cursor') ?? undefined;
      } while (cursor !== undefined);
      return ids;
    };
    const keyed = patients.map((p, rid) => {
      const given = (p['name'] as { given: string[] }[] | undefined)?.[0]?.given ?? [];
      return { id: p.id ?? '', rid, min: given.length ? [...given].sort()[0] : undefined, max: given.length ? [...given].sort().reverse()[0] : undefined };
    });
    const expected = (desc: boolean): string[] => [...keyed].sort((a, b) => {
      const ka = desc ? a.max : a.min;
      const kb = desc ? b.max : b.min;
      if (ka === undefined || kb === undefined) return ka === kb ? (desc ? b.rid - a.rid : a.rid - b.rid) : ka === undefined ? 1 : -1;
      if (ka !== kb) return (ka < kb ? -1 : 1) * (desc ? -1 : 1);
      return desc ? b.rid - a.rid : a.rid - b.rid;
    }).map((k) => k.id);
    expect(await walk('given')).toEqual(expected(false));
    expect(await walk('-given')).toEqual(expected(true));
    await store.close();
  });

  it('rebuilds the index from the stored resources when the index schema changed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'search-migrate-'));
    const filename = join(dir, 'fhir.sqlite');
    const first = new SqliteResourceStore({ filename, indexWriter: sqliteSearchIndexWriter });
    await first.commit('default', [{ resourceType: 'Patient', id: 'a', expectedVersionId: null, versionId: '1', lastUpdated: '2024-01-01T00:00:00.000Z', resource: { resourceType: 'Patient', id: 'a', name: [{ family: 'Kept' }] }, index: extractIndexEntries({ resourceType: 'Patient', id: 'a', name: [{ family: 'Kept' }] }) }]);
    // As if written by an older index schema.
    first.database.exec("UPDATE sp_meta SET value = 0 WHERE key = 'schema_version'; DELETE FROM sp_string;");
    await first.close();
    const reopened = new SqliteResourceStore({ filename, indexWriter: sqliteSearchIndexWriter });
    const engine = createSearchEngine({ index: new SqliteSearchIndex(reopened.database), store: reopened, access: allowAllPolicy, config: defaultCoreConfig });
    const bundle = await engine.search(ctx, { resourceType: 'Patient' }, [['family', 'kept']], { strict: true });
    await reopened.close();
    rmSync(dir, { recursive: true, force: true });
    expect(bundle.entry?.map((e) => e.resource?.id)).toEqual(['a']);
  });

  it('sorts tokens without a code (text only) last, page after page', async () => {
    const { store, put } = setup();
    const observations: Resource[] = Array.from({ length: 40 }, (_v, i) => ({
      resourceType: 'Observation', id: `o${String(i).padStart(2, '0')}`, status: 'final',
      code: i % 5 === 0 ? { text: 'no code' } : { coding: [{ system: 'urn:c', code: `c${(i * 7) % 11}` }] },
    }));
    await put(observations);
    const engine = createSearchEngine({ index: new SqliteSearchIndex(store.database), store, access: allowAllPolicy, config: defaultCoreConfig, defaultTotal: 'none' });
    const ids = async (query: string): Promise<string[]> => {
      const out: string[] = [];
      let cursor: string | undefined;
      do {
        const bundle = await engine.search(ctx, { resourceType: 'Observation' }, [...new URLSearchParams(`${query}${cursor ? `&_cursor=${cursor}` : ''}`)], { strict: true });
        out.push(...(bundle.entry ?? []).map((e) => e.resource?.id ?? ''));
        const next = bundle.link?.find((l) => l.relation === 'next')?.url;
        cursor = next === undefined ? undefined : new URL(next).searchParams.get('_cursor') ?? undefined;
      } while (cursor !== undefined);
      return out;
    };
    for (const sort of ['code', '-code']) {
      const paged = await ids(`_sort=${sort}&_count=4`);
      expect([paged, paged.slice(-8).every((id) => Number(id.slice(1)) % 5 === 0)]).toEqual([await ids(`_sort=${sort}&_count=100`), true]);
    }
    await store.close();
  });
});
