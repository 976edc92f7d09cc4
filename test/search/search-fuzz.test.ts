// Bad input is a 4xx naming the parameter, never a 500 (DESIGN.md: "Unexpected errors are 500,
// never 400" works both ways): hundreds of generated malformed and odd queries against the real
// SQLite backend, in strict and lenient mode.
import { SqliteSearchIndex } from '../../adapters/embedded/sqlite-search-index';
import { sqliteSearchIndexWriter } from '../../adapters/embedded/sqlite-search-writer';
import { SqliteResourceStore } from '../../adapters/embedded/sqlite-store';
import { allowAllPolicy } from '../../core/authz/access-policy';
import { defaultCoreConfig } from '../../core/config';
import { FhirError } from '../../core/errors/fhir-error';
import type { Resource } from '../../core/fhir-types';
import type { SearchEngine } from '../../core/search-engine';
import { createSearchEngine } from '../../core/search/engine';
import { extractIndexEntries } from '../../core/search/extract';
import { contextFor } from './describe-search-cases';
import { searchFixtures } from './search-fixtures';

const NAMES = [
  'name', 'family:exact', 'given:contains', 'birthdate', 'gender:not', 'identifier:of-type', 'identifier:text', 'organization', 'organization:Organization',
  'general-practitioner:identifier', '_id', '_lastUpdated', '_tag', '_profile:below', '_text', '_content', '_has:Observation:patient:code', '_has:Nope:x:y',
  '_has:Observation', 'organization.name', 'organization:Patient.name', 'organization.nope', 'link:Patient.link:Patient.link:Patient.link:Patient.link:Patient.name',
  'birthdate:missing', 'name:missing', 'address-city:above', 'gender:text', '_sort', '_count', '_total', '_include', '_revinclude:iterate', '_summary',
  '_elements', '_list', '_contained', '_cursor', '_format', 'nope', 'name:nope', '_include:nope', '', ':', '.', '_has', 'name.', '._id',
  'code-value-quantity', 'value-quantity', 'subject:Patient.name', 'subject.nope', 'patient._has:Condition:patient:code', 'near', 'code:text', 'date:missing',
];
const VALUES = [
  '', 'x', 'smith', '1970', 'ge1970', 'xx1970', 'lt', '1970-13-01', '2020-02-30T25:61:00Z', 'eq', '5.4', 'gt5.4|http://unitsofmeasure.org|mg', 'a|b|c|d',
  '|', '||', '\\', '\\,', 'a,b,,c', ',', '$', 'a$b$c', 'true', 'false', 'maybe', '-1', '0', '99999999999999999999', 'NaN', 'Infinity', '1e400',
  'Patient/1', 'Patient/', '/1', 'http://x/Patient/1/_history/', 'Observation:subject', 'Observation:*', '*', 'Nope:subject', 'Patient:nope',
  'birthdate,-name', '-', '_id,_lastUpdated,-family,given,gender,birthdate', 'accurate', 'estimate', 'count', 'text', "'; DROP TABLE sp_resource; --",
  '"quoted" AND OR NEAR(', '%', '_', 'zoë', '\u0000', ' ', '\t', 'a b', '𝔘𝔫𝔦', 'x'.repeat(2000), 'bm90LWEtY3Vyc29y', 'eyJ2IjpbXSwiciI6ImEifQ',
  'http://loinc.org|2339-0$gt100', 'ap2020', 'sa', 'eb2020-01-01T00:00:00+14:00', '42.36|-71.06|10|km', '91|0', 'Observation:subject:Patient',
];

/** Park-Miller: the same queries on every run. */
function prng(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 48271) % 2147483647;
    return s / 2147483647;
  };
}

let store: SqliteResourceStore;
let engine: SearchEngine;

beforeAll(async () => {
  store = new SqliteResourceStore({ filename: ':memory:', indexWriter: sqliteSearchIndexWriter });
  const lastUpdated = '2024-01-01T00:00:00.000Z';
  await store.commit('default', searchFixtures.map((r: Resource) => {
    const resource = { ...r, meta: { ...(r.meta ?? {}), versionId: '1', lastUpdated } };
    return { resourceType: r.resourceType, id: r.id ?? '', expectedVersionId: null, versionId: '1', lastUpdated, resource, index: extractIndexEntries(resource) };
  }));
  engine = createSearchEngine({ index: new SqliteSearchIndex(store.database), store, access: allowAllPolicy, config: defaultCoreConfig });
});

afterAll(async () => {
  await store.close();
});

describe('generated bad queries', () => {
  it('answer a searchset or a 4xx FhirError naming a parameter, in strict and lenient mode', async () => {
    const rand = prng(7);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)] as T;
    const unexpected: string[] = [];
    for (let i = 0; i < 3000; i += 1) {
      const params: [string, string][] = Array.from({ length: 1 + Math.floor(rand() * 3) }, () => [pick(NAMES), pick(VALUES)]);
      const strict = i % 2 === 0;
      try {
        const type = pick(['Patient', 'Observation', 'Location']);
        const bundle = await engine.search(contextFor('default'), { resourceType: type }, params, { strict });
        if (bundle.type !== 'searchset') unexpected.push(`${JSON.stringify(params)}: not a searchset`);
      } catch (error) {
        const named = error instanceof FhirError && error.status >= 400 && error.status < 500 && (error.expression?.length ?? 0) > 0;
        if (!named) unexpected.push(`${JSON.stringify(params)} (${strict ? 'strict' : 'lenient'}): ${String(error)}`);
      }
    }
    expect(unexpected).toEqual([]);
  });
});
