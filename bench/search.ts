// Search benchmark (issue 3, "Proof"): loads a generated data set of patients with encounters,
// observations and conditions (>= 100,000 resources by default) into the embedded store with
// the SQLite search index, then reports p50/p99 latency of the core search engine (parse, SQL,
// batched reads, Bundle) for typical searches. `npx tsx bench/search.ts [patients]`.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SqliteSearchIndex } from '../adapters/embedded/sqlite-search-index';
import { sqliteSearchIndexWriter } from '../adapters/embedded/sqlite-search-writer';
import { SqliteResourceStore } from '../adapters/embedded/sqlite-store';
import { allowAllPolicy } from '../core/authz/access-policy';
import { defaultCoreConfig } from '../core/config';
import type { Resource } from '../core/fhir-types';
import type { WriteOperation } from '../core/ports/resource-store';
import type { RequestContext } from '../core/request';
import { createSearchEngine } from '../core/search/engine';
import { extractIndexEntries } from '../core/search/extract';
import { CONDITION_CODES, LAB_CODES, searchDataSet, SURNAMES } from './search-data';

export interface SearchFigures {
  readonly name: string;
  readonly query: string;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly meanMatches: number;
}

export interface SearchBenchResult {
  readonly resources: number;
  readonly extractPerSecond: number;
  readonly loadPerSecond: number;
  readonly figures: readonly SearchFigures[];
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;
}

const round = (n: number): number => Math.round(n * 100) / 100;

export async function benchSearch(patients = 10000, iterations = 300): Promise<SearchBenchResult> {
  // SEARCH_BENCH_DB keeps the loaded database between runs (for tuning queries); by default a
  // fresh temporary database is loaded and removed.
  const kept = process.env['SEARCH_BENCH_DB'];
  const reuse = kept !== undefined && existsSync(kept);
  const dir = mkdtempSync(path.join(tmpdir(), 'search-bench-'));
  const store = new SqliteResourceStore({ filename: kept ?? path.join(dir, 'bench.db'), indexWriter: sqliteSearchIndexWriter, synchronous: 'NORMAL' });
  try {
    const tenant = 'default';
    const resources: Resource[] = searchDataSet(patients);
    const lastUpdated = '2025-01-01T00:00:00.000Z';
    let extractMs = 0;
    const started = performance.now();
    for (let i = 0; i < (reuse ? 0 : resources.length); i += 1000) {
      const batch = resources.slice(i, i + 1000);
      const t0 = performance.now();
      const writes: WriteOperation[] = batch.map((r) => {
        const resource: Resource = { ...r, meta: { versionId: '1', lastUpdated } };
        return { resourceType: r.resourceType, id: r.id ?? '', expectedVersionId: null, versionId: '1', lastUpdated, resource, index: extractIndexEntries(resource) };
      });
      extractMs += performance.now() - t0;
      await store.commit(tenant, writes);
    }
    const loadMs = performance.now() - started;

    const engine = createSearchEngine({ index: new SqliteSearchIndex(store.database), store, access: allowAllPolicy, config: defaultCoreConfig });
    const ctx: RequestContext = { principal: { subject: 'bench', groups: [], scopes: [] }, tenant, baseUrl: 'http://localhost/fhir', correlationId: 'bench' };
    const pick = <T>(list: readonly T[], i: number): T => list[(i * 7919) % list.length] as T;
    const week = (i: number): string => {
      const d = new Date(Date.UTC(2016, 0, 4) + ((i * 37) % 400) * 7 * 86400000);
      return d.toISOString().slice(0, 10);
    };
    const plusWeek = (day: string): string => new Date(Date.parse(day) + 7 * 86400000).toISOString().slice(0, 10);
    // `nextPage`: the measured search is the second page, reached with the first page's cursor.
    const cases: { name: string; type: string; query: (i: number) => string; compartment?: (i: number) => string; nextPage?: boolean }[] = [
      { name: 'token (Observation code, total)', type: 'Observation', query: (i) => `code=http://loinc.org|${pick(LAB_CODES, i).code}` },
      { name: 'token (Observation code, _total=none)', type: 'Observation', query: (i) => `code=http://loinc.org|${pick(LAB_CODES, i).code}&_total=none` },
      { name: 'reference (Observation patient)', type: 'Observation', query: (i) => `patient=Patient/p${(i * 7919) % patients}&_total=none` },
      { name: 'date range (one week)', type: 'Observation', query: (i) => `date=ge${week(i)}&date=lt${plusWeek(week(i))}&_total=none` },
      { name: 'string prefix (Patient name)', type: 'Patient', query: (i) => `name=${pick(SURNAMES, i).slice(0, 3)}&_total=none` },
      { name: 'chained (Observation subject:Patient.name)', type: 'Observation', query: (i) => `subject:Patient.name=${pick(SURNAMES, i)}&_total=none` },
      { name: '_include (Observation code + subject)', type: 'Observation', query: (i) => `code=http://loinc.org|${pick(LAB_CODES, i).code}&_include=Observation:subject&_total=none` },
      { name: '_sort (Patient -birthdate, gender)', type: 'Patient', query: (i) => `gender=${i % 2 === 0 ? 'female' : 'male'}&_sort=-birthdate&_total=none` },
      { name: '_sort on a sparse filter (date range, -date)', type: 'Observation', query: (i) => `date=ge${week(i)}&date=lt${plusWeek(week(i))}&_sort=-date&_total=none` },
      { name: '_has (Patient with a Condition code)', type: 'Patient', query: (i) => `_has:Condition:patient:code=http://snomed.info/sct|${pick(CONDITION_CODES, i)}&_total=none` },
      { name: '_has, dense (Patient with a final Observation)', type: 'Patient', query: (i) => `_has:Observation:patient:status=final&gender=${i % 2 === 0 ? 'female' : 'male'}&_total=none` },
      { name: 'chained, dense (Observation subject:Patient.gender)', type: 'Observation', query: (i) => `subject:Patient.gender=${i % 2 === 0 ? 'female' : 'male'}&_total=none` },
      { name: '_revinclude (Patient + its Observations)', type: 'Patient', query: (i) => `_id=p${(i * 7919) % patients}&_revinclude=Observation:patient` },
      { name: 'full text (_content)', type: 'Observation', query: (i) => `_content=${pick(['glucose', 'cholesterol', 'hemoglobin', 'creatinine'], i)}&_total=none` },
      { name: 'token + date, accurate total', type: 'Observation', query: (i) => `code=http://loinc.org|${pick(LAB_CODES, i).code}&date=ge2024-01-01&_total=accurate` },
      { name: 'next page (token, keyset cursor)', type: 'Observation', query: (i) => `code=http://loinc.org|${pick(LAB_CODES, i).code}&_total=none`, nextPage: true },
      { name: 'next page (_sort=-date)', type: 'Observation', query: (i) => `code=http://loinc.org|${pick(LAB_CODES, i).code}&_sort=-date&_total=none`, nextPage: true },
      { name: 'compartment (Patient/p/Observation)', type: 'Observation', query: () => '_total=none', compartment: (i) => `p${(i * 7919) % patients}` },
    ];
    const figures: SearchFigures[] = [];
    for (const c of cases) {
      const times: number[] = [];
      let matches = 0;
      for (let i = 0; i < iterations + 20; i += 1) {
        const params = [...new URLSearchParams(c.query(i))];
        const target = c.compartment ? { resourceType: c.type, compartment: { resourceType: 'Patient', id: c.compartment(i) } } : { resourceType: c.type };
        if (c.nextPage) {
          const first = await engine.search(ctx, target, params, { strict: true });
          const next = first.link?.find((l) => l.relation === 'next')?.url;
          const cursor = next === undefined ? undefined : new URL(next).searchParams.get('_cursor');
          if (cursor) params.push(['_cursor', cursor]);
        }
        const t0 = performance.now();
        const bundle = await engine.search(ctx, target, params, { strict: true });
        const elapsed = performance.now() - t0;
        if (i >= 20) {
          times.push(elapsed);
          matches += (bundle.entry ?? []).filter((e) => e.search?.mode === 'match').length;
        }
      }
      times.sort((a, b) => a - b);
      figures.push({ name: c.name, query: `${c.compartment ? `Patient/${c.compartment(0)}/` : ''}${c.type}?${c.query(0)}${c.nextPage ? '&_cursor=...' : ''}`, p50Ms: round(percentile(times, 0.5)), p99Ms: round(percentile(times, 0.99)), meanMatches: round(matches / iterations) });
    }
    const rate = (ms: number): number => (reuse ? 0 : Math.round(resources.length / (ms / 1000)));
    return { resources: resources.length, extractPerSecond: rate(extractMs), loadPerSecond: rate(loadMs), figures };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export function searchTable(result: SearchBenchResult): string {
  const lines = [
    result.loadPerSecond === 0
      ? `${result.resources} resources (database loaded by an earlier run).`
      : `${result.resources} resources; index extraction ${result.extractPerSecond} resources/s; load (extraction + commit, 1,000 per transaction) ${result.loadPerSecond} resources/s.`,
    '',
    '| search | p50 ms | p99 ms | matches per page | example |',
    '| --- | ---: | ---: | ---: | --- |',
  ];
  for (const f of result.figures) lines.push(`| ${f.name} | ${f.p50Ms} | ${f.p99Ms} | ${f.meanMatches} | \`${f.query}\` |`);
  return lines.join('\n');
}

if (require.main === module) {
  const patients = Number(process.argv[2] ?? 10000);
  benchSearch(patients).then((result) => console.log(searchTable(result)), (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
