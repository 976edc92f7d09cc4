// `npm run bench`: every benchmark, printed as Markdown tables (BENCHMARKS.md records the figures).
// BENCH_SECONDS sets the duration of each load run; BENCH_ONLY=rest,graphql,search,console,bulk,subscriptions picks a subset.
import { cpus, totalmem } from 'node:os';
import { benchGraphql, type LatencyFigures } from './graphql';
import { benchRest, type LoadFigures } from './rest';

function loadTable(rows: readonly LoadFigures[]): string {
  const lines = ['| benchmark | req/s | p50 ms | p99 ms | errors | non-2xx |', '| --- | ---: | ---: | ---: | ---: | ---: |'];
  for (const r of rows) lines.push(`| ${r.name} | ${r.requestsPerSecond} | ${r.p50Ms} | ${r.p99Ms} | ${r.errors} | ${r.non2xx} |`);
  return lines.join('\n');
}

function latencyTable(rows: readonly LatencyFigures[]): string {
  const lines = ['| measure | samples | p50 ms | p99 ms |', '| --- | ---: | ---: | ---: |'];
  for (const r of rows) lines.push(`| ${r.name} | ${r.samples} | ${r.p50Ms.toFixed(2)} | ${r.p99Ms.toFixed(2)} |`);
  return lines.join('\n');
}

async function main(): Promise<void> {
  const seconds = Number(process.env['BENCH_SECONDS'] ?? 10);
  const only = new Set((process.env['BENCH_ONLY'] ?? 'rest,graphql,search,console,bulk,subscriptions').split(','));
  console.log(`Machine: ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}\n`);
  if (only.has('rest')) {
    console.log('## REST on the embedded server (SQLite, auth on, 10 connections)\n');
    console.log(`${loadTable([...(await benchRest(seconds)), ...(await benchRest(seconds, 10, 'NORMAL'))])}\n`);
  }
  if (only.has('graphql')) {
    const graphql = await benchGraphql(seconds);
    console.log('## GraphQL on the embedded server\n');
    console.log(`${loadTable(graphql.load)}\n`);
    console.log(`${latencyTable(graphql.latency)}\n`);
  }
  if (only.has('search')) {
    const { benchSearch, searchTable } = await import('./search');
    console.log('## Search on SQLite\n');
    console.log(`${searchTable(await benchSearch(Number(process.env['BENCH_PATIENTS'] ?? 10000)))}\n`);
  }
  if (only.has('console')) {
    const { benchConsole, consoleTables } = await import('./console');
    console.log('## Web console and GraphQL IDE (bundles and first load)\n');
    console.log(`${consoleTables(await benchConsole())}\n`);
  }
  if (only.has('bulk')) {
    const { benchImport, benchExport, bulkTable } = await import('./bulk');
    console.log('## Bulk import and $export on the embedded home\n');
    const imported = await benchImport(Number(process.env['BENCH_IMPORT_PATIENTS'] ?? 200));
    const exported = await benchExport(Number(process.env['BENCH_EXPORT_RESOURCES'] ?? 200000));
    console.log(`${bulkTable([imported, exported])}\n`);
  }
  if (only.has('subscriptions')) {
    const { benchSubscriptions } = await import('./subscriptions');
    console.log('## FHIR Subscriptions on the embedded server\n');
    console.log(`${latencyTable(await benchSubscriptions())}\n`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
