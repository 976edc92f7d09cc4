// Runs the shared search cases against one backend (issue 3, "Proof"). A backend suite calls
// `describeSearchCases('SQLite', makeBackend)`; the OpenSearch adapter will do the same.
import type { AccessPolicy } from '../../core/authz/access-policy';
import { allowAllPolicy } from '../../core/authz/access-policy';
import { FhirError } from '../../core/errors/fhir-error';
import type { Bundle, Resource } from '../../core/fhir-types';
import type { RequestContext } from '../../core/request';
import type { SearchEngine, SearchTarget } from '../../core/search-engine';
import { baseRegistry } from '../../core/registry/registry';
import { createSearchEngine } from '../../core/search/engine';
import type { SearchRuntime } from '../../core/search/run-search';
import { terminologyOverSearch } from '../../core/terminology/stored-terminology';
import { searchCases, searchErrorCases } from './search-cases';
import { FIXTURE_TIME, searchFixtures } from './search-fixtures';

export interface SearchBackend {
  /** Writes resources to a tenant through the backend's write path (index extracted by the core). */
  put(tenant: string, resources: readonly Resource[], lastUpdated?: string): Promise<void>;
  /** The core's search engine over this backend, deciding access with `access`. */
  engine(access?: AccessPolicy): SearchEngine;
  close(): Promise<void>;
}

export type MakeSearchBackend = () => Promise<SearchBackend>;

/** The core's engine over a backend as the server builds it: with R4 terminology and the stored CodeSystems and ValueSets. */
export function engineWithTerminology(runtime: Omit<SearchRuntime, 'terminology'>): SearchEngine {
  const engine: SearchEngine = createSearchEngine({ ...runtime, terminology: (ctx) => terminologyOverSearch(baseRegistry, engine, runtime.store, ctx) });
  return engine;
}

export function contextFor(tenant: string): RequestContext {
  return { principal: { subject: 'tester', groups: [], scopes: [] }, tenant, baseUrl: `http://test.local/fhir/${tenant}`, correlationId: 'search-cases' };
}

export function targetOf(path: string): SearchTarget {
  const parts = path.split('/').filter((p) => p !== '');
  if (parts.length === 0) return {};
  if (parts.length === 1) return { resourceType: parts[0] ?? '' };
  const [type = '', id = '', member] = parts;
  return { compartment: { resourceType: type, id }, ...(member !== undefined && member !== '*' ? { resourceType: member } : {}) };
}

export function keysOf(bundle: Bundle, mode: 'match' | 'include'): string[] {
  return (bundle.entry ?? []).filter((e) => e.search?.mode === mode).map((e) => `${e.resource?.resourceType ?? ''}/${e.resource?.id ?? ''}`);
}

function params(query: string): [string, string][] {
  return [...new URLSearchParams(query)];
}

function cursorOf(bundle: Bundle, relation: string): string | undefined {
  const url = bundle.link?.find((l) => l.relation === relation)?.url;
  return url === undefined ? undefined : new URL(url).searchParams.get('_cursor') ?? undefined;
}

export function describeSearchCases(name: string, makeBackend: MakeSearchBackend): void {
  describe(`search cases on ${name}`, () => {
    let backend: SearchBackend;
    let engine: SearchEngine;
    const ctx = contextFor('default');

    beforeAll(async () => {
      backend = await makeBackend();
      await backend.put('default', searchFixtures, FIXTURE_TIME);
      // Same ids in another tenant, to prove isolation.
      await backend.put('other', [
        { resourceType: 'Patient', id: 'p1', gender: 'male', name: [{ family: 'Smith' }] },
        { resourceType: 'Observation', id: 'o9', status: 'final', code: { text: 'x' }, subject: { reference: 'Patient/p1' } },
      ], FIXTURE_TIME);
      engine = backend.engine();
    });

    afterAll(async () => {
      await backend.close();
    });

    it.each(searchCases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
      const bundle = await engine.search(ctx, targetOf(c.path), params(c.query), { strict: true });
      const matches = keysOf(bundle, 'match');
      if (c.ordered) expect(matches).toEqual(c.matches);
      else expect([...matches].sort()).toEqual([...c.matches].sort());
      if (c.included !== undefined) expect(keysOf(bundle, 'include').sort()).toEqual([...c.included].sort());
      if (c.total !== undefined) expect(bundle.total).toBe(c.total);
    });

    it.each(searchErrorCases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
      const error = await engine.search(ctx, targetOf(c.path), params(c.query), { strict: c.strict }).then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(FhirError);
      expect(error instanceof FhirError && [error.code, error.expression?.[0]]).toEqual([c.code, c.expression]);
    });

    it('lenient handling ignores an unknown parameter, reports it and leaves it out of the self link', async () => {
      const bundle = await engine.search(ctx, { resourceType: 'Patient' }, params('foo=bar&gender=male'), { strict: false });
      expect(keysOf(bundle, 'match')).toEqual(['Patient/p2']);
      const outcome = bundle.entry?.find((e) => e.search?.mode === 'outcome')?.resource;
      expect(JSON.stringify(outcome)).toContain('foo');
      expect(bundle.link?.find((l) => l.relation === 'self')?.url).toBe('http://test.local/fhir/default/Patient?gender=male');
    });

    it('keeps each tenant to its own resources, includes too', async () => {
      const mine = await engine.search(ctx, { resourceType: 'Patient' }, params('family=smith'), { strict: true });
      const theirs = await engine.search(contextFor('other'), { resourceType: 'Observation' }, params('subject=p1&_include=Observation:subject'), { strict: true });
      expect(keysOf(mine, 'match').sort()).toEqual(['Patient/p1', 'Patient/p3']);
      expect([keysOf(theirs, 'match'), keysOf(theirs, 'include')]).toEqual([['Observation/o9'], ['Patient/p1']]);
      expect((theirs.entry ?? []).find((e) => e.search?.mode === 'include')?.resource?.['gender']).toBe('male');
    });

    it('applies a patient-compartment restriction inside the search, to totals and includes', async () => {
      const restricted = backend.engine({ ...allowAllPolicy, searchRestriction: () => ({ patientCompartment: 'p1' }) });
      const observations = await restricted.search(ctx, { resourceType: 'Observation' }, params('_total=accurate&_include=Observation:performer'), { strict: true });
      const patients = await restricted.search(ctx, { resourceType: 'Patient' }, params('_revinclude=Observation:subject'), { strict: true });
      expect([keysOf(observations, 'match').sort(), observations.total, keysOf(observations, 'include')]).toEqual([['Observation/o1', 'Observation/o2'], 2, []]);
      expect([keysOf(patients, 'match'), keysOf(patients, 'include').sort()]).toEqual([['Patient/p1'], ['Observation/o1', 'Observation/o2']]);
    });

    it('keeps a system search to the types the caller may search, each with its own restriction', async () => {
      const policy: AccessPolicy = {
        ...allowAllPolicy,
        allowedResourceTypes: () => ['Condition', 'Observation', 'Patient', 'Practitioner'],
        searchRestriction: (_ctx, type) => (type === 'Practitioner' ? undefined : type === 'Condition' ? { none: true } : { patientCompartment: 'p1' }),
      };
      const restricted = backend.engine(policy);
      const system = await restricted.search(ctx, {}, params('_id=o1,o3,dr1,c1,org1'), { strict: true });
      const conditions = await restricted.search(ctx, { resourceType: 'Condition' }, params(''), { strict: true });
      expect([keysOf(system, 'match').sort(), keysOf(conditions, 'match'), conditions.total]).toEqual([['Observation/o1', 'Practitioner/dr1'], [], 0]);
    });

    it('pages with next and previous links', async () => {
      const first = await engine.search(ctx, { resourceType: 'Patient' }, params('_count=2&_sort=family'), { strict: true });
      const next = cursorOf(first, 'next') ?? '';
      const second = await engine.search(ctx, { resourceType: 'Patient' }, params(`_count=2&_sort=family&_cursor=${next}`), { strict: true });
      const previous = cursorOf(second, 'previous') ?? '';
      const back = await engine.search(ctx, { resourceType: 'Patient' }, params(`_count=2&_sort=family&_cursor=${previous}`), { strict: true });
      expect([keysOf(first, 'match'), keysOf(second, 'match'), keysOf(back, 'match')]).toEqual([
        ['Patient/p2', 'Patient/p1'], ['Patient/p3', 'Patient/p4'], ['Patient/p2', 'Patient/p1'],
      ]);
      expect([cursorOf(first, 'previous'), cursorOf(second, 'next')]).toEqual([undefined, undefined]);
    });

    it('refuses a cursor of another search', async () => {
      const sorted = await engine.search(ctx, { resourceType: 'Patient' }, params('_count=1&_sort=family'), { strict: true });
      const cursor = cursorOf(sorted, 'next') ?? '';
      const error = await engine.search(ctx, { resourceType: 'Patient' }, params(`_count=1&_cursor=${cursor}`), { strict: true }).then(() => undefined, (e: unknown) => e);
      expect(error instanceof FhirError && [error.code, error.expression]).toEqual(['INVALID_SEARCH', ['_cursor']]);
    });

    it('pages neither repeat nor skip rows when resources are added between pages', async () => {
      for (const sort of ['', '&_sort=birthdate', '&_sort=-birthdate']) {
        const tenant = `paging${sort.length}`;
        const pctx = contextFor(tenant);
        await backend.put(tenant, ['a', 'b', 'c', 'd', 'e'].map((id, i) => ({ resourceType: 'Patient', id, birthDate: `19${50 + i * 10}` })));
        const seen: string[] = [];
        let cursor: string | undefined;
        let round = 0;
        do {
          const bundle = await engine.search(pctx, { resourceType: 'Patient' }, params(`_count=2${sort}${cursor ? `&_cursor=${cursor}` : ''}`), { strict: true });
          seen.push(...keysOf(bundle, 'match'));
          // Inserted mid-walk: one sorting before everything seen, one after.
          await backend.put(tenant, [
            { resourceType: 'Patient', id: `early${sort.length}${round}`, birthDate: '1900' },
            { resourceType: 'Patient', id: `late${sort.length}${round}`, birthDate: '2099' },
          ]);
          cursor = cursorOf(bundle, 'next');
          round += 1;
        } while (cursor !== undefined && round < 20);
        expect(new Set(seen).size).toBe(seen.length);
        expect(['a', 'b', 'c', 'd', 'e'].every((id) => seen.includes(`Patient/${id}`))).toBe(true);
      }
    });

    it('finds the matches of a conditional query', async () => {
      const ids = await engine.findMatches(ctx, 'Patient', `identifier=${encodeURIComponent('urn:oid:1.2.36.146.595.217.0.1|12345')}`, 2);
      const many = await engine.findMatches(ctx, 'Patient', 'gender=female', 2);
      expect([ids, many.length]).toEqual([['p1'], 2]);
    });

    it('applies _elements to matches and marks them SUBSETTED', async () => {
      const bundle = await engine.search(ctx, { resourceType: 'Patient' }, params('_id=p1&_elements=gender'), { strict: true });
      const resource = bundle.entry?.[0]?.resource;
      expect([resource?.['gender'], resource?.['name'], resource?.meta?.tag?.some((t) => t.code === 'SUBSETTED')]).toEqual(['female', undefined, true]);
    });
  });
}
