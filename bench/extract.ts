// Index extraction throughput (issue 11): the compiled search parameter expressions
// (core/search/fhirpath-compile.ts) against fhirpath.js, on the search benchmark's data set,
// alternating rounds in one process so that both see the same machine load.
// `npx tsx bench/extract.ts [patients]`.
import { extractIndexEntries, type ExtractOptions } from '../core/search/extract';
import { baseSearchParameters } from '../core/search/parameters';
import { searchDataSet } from './search-data';

const resources = searchDataSet(Number(process.argv[2] ?? 1000));

function rate(engine: ExtractOptions['engine']): number {
  const start = process.hrtime.bigint();
  for (const r of resources) extractIndexEntries(r, baseSearchParameters, { engine });
  return resources.length / (Number(process.hrtime.bigint() - start) / 1e9);
}

for (const engine of ['fhirpath', 'compiled'] as const) rate(engine); // warm-up: compile, JIT
const rounds: { fhirpath: number; compiled: number }[] = [];
for (let i = 0; i < 3; i++) rounds.push({ fhirpath: rate('fhirpath'), compiled: rate('compiled') });
for (const r of rounds) {
  console.log(`fhirpath.js ${Math.round(r.fhirpath)} resources/s, compiled ${Math.round(r.compiled)} resources/s, ratio ${(r.compiled / r.fhirpath).toFixed(2)}`);
}
