// `npm run import -- <files or folders...> [--base URL --token T] [--batch 500] [--resume FILE]
// [--tenant T] [--report FILE]`: loads FHIR NDJSON, Bundles (transaction, batch, collection) and
// Synthea patient bundles into the local data directory (FHIR_DATA_DIR; no HTTP) or, with
// --base, into any FHIR server. README "Other commands" describes it.
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parseLocalConfig } from '../wiring/config';
import { httpSink, localSink } from './import/import-sink';
import { runImport, type ImportProgress, type ImportReport } from './import/import-run';

/** Every importable file under the paths; Synthea's shared providers first (patients refer to them). */
export function importFiles(paths: readonly string[]): string[] {
  const found: string[] = [];
  const walk = (path: string): void => {
    if (statSync(path).isDirectory()) {
      for (const name of readdirSync(path).sort()) walk(join(path, name));
    } else if (/\.(ndjson|json)$/i.test(path)) {
      found.push(resolve(path));
    }
  };
  paths.forEach(walk);
  const shared = (f: string): number => (/^(hospitalInformation|practitionerInformation)/.test(basename(f)) ? 0 : 1);
  return found.sort((a, b) => shared(a) - shared(b));
}

function progressLine(p: ImportProgress): string {
  const rate = p.seconds > 0 ? p.loaded / p.seconds : 0;
  const fraction = p.bytesTotal > 0 ? p.bytesDone / p.bytesTotal : 1;
  const eta = fraction > 0 ? (p.seconds / fraction) * (1 - fraction) : 0;
  return `${p.loaded} loaded · ${Math.round(rate)} resources/s · ${p.errors} errors · ${(fraction * 100).toFixed(1)}% · ETA ${Math.ceil(eta)}s`;
}

export function formatReport(report: ImportReport): string {
  const lines = [`loaded ${report.loaded}, skipped ${report.skipped}, failed ${report.failed.length}, bad lines ${report.badLines.length} in ${report.seconds.toFixed(1)}s`];
  for (const f of report.failed.slice(0, 50)) lines.push(`  failed ${f.file}${f.line !== undefined ? `:${f.line}` : f.entry !== undefined ? ` entry ${f.entry}` : ''}: ${f.reason}`);
  for (const b of report.badLines.slice(0, 50)) lines.push(`  bad line ${b.file}:${b.line}: ${b.reason}`);
  return lines.join('\n');
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      base: { type: 'string' }, token: { type: 'string' }, batch: { type: 'string', default: '500' },
      resume: { type: 'string', default: '.fhir-import-resume.json' }, tenant: { type: 'string', default: 'default' }, report: { type: 'string' },
    },
  });
  const batch = Number(values.batch);
  if (positionals.length === 0 || !Number.isInteger(batch) || batch < 1) {
    console.error('usage: npm run import -- <files or folders...> [--base URL --token T] [--batch 500] [--resume FILE] [--tenant T] [--report FILE]');
    process.exit(2);
  }
  const files = importFiles(positionals);
  const sink = values.base !== undefined ? httpSink(values.base, values.token) : localSink(parseLocalConfig(process.env), values.tenant);
  let last = 0;
  try {
    const report = await runImport(sink, {
      files, batch, resumeFile: resolve(values.resume),
      onProgress: (p) => {
        if (Date.now() - last < 250) return;
        last = Date.now();
        process.stderr.write(`\r${progressLine(p)}   `);
      },
    });
    process.stderr.write('\n');
    console.log(formatReport(report));
    if (values.report !== undefined) writeFileSync(values.report, JSON.stringify(report, null, 2));
    process.exitCode = report.failed.length > 0 || report.badLines.length > 0 ? 1 : 0;
  } finally {
    await sink.close();
  }
}

if (require.main === module) void main();
