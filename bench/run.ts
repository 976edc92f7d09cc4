// `npm run bench`: every benchmark, printed as a table (BENCHMARKS.md records the figures).
import { cpus, totalmem } from 'node:os';
import { benchRest, type LoadFigures } from './rest';

function table(rows: readonly LoadFigures[]): string {
  const lines = ['| benchmark | req/s | p50 ms | p99 ms | errors | non-2xx |', '| --- | ---: | ---: | ---: | ---: | ---: |'];
  for (const r of rows) lines.push(`| ${r.name} | ${r.requestsPerSecond} | ${r.p50Ms} | ${r.p99Ms} | ${r.errors} | ${r.non2xx} |`);
  return lines.join('\n');
}

async function main(): Promise<void> {
  const seconds = Number(process.env['BENCH_SECONDS'] ?? 10);
  console.log(`Machine: ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}\n`);
  console.log('## REST on the embedded server (SQLite, auth on, 10 connections)\n');
  console.log(table(await benchRest(seconds)));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
