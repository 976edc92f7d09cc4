// Bulk Data figures (issue 12, "Speed and scale"): the local import of generated data through the
// fast path (tools/import), and a local system $export of N resources over real HTTP with the
// process's peak resident memory sampled while it runs. Not timed tests: `npm run bench`.
// BENCH_IMPORT_PATIENTS (default 200) and BENCH_EXPORT_RESOURCES (default 200000) set the sizes.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteResourceStore } from '../adapters/embedded/sqlite-store';
import { startLocalServer } from '../local/start';
import { generateData } from '../tools/generate-data';
import { importFiles } from '../tools/import';
import { runImport } from '../tools/import/import-run';
import { localSink } from '../tools/import/import-sink';
import { parseLocalConfig } from '../wiring/config';

export interface BulkFigures {
  readonly name: string;
  readonly resources: number;
  readonly seconds: number;
  readonly perSecond: number;
  readonly peakRssMb?: number;
}

export async function benchImport(patients: number): Promise<BulkFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-import-'));
  try {
    const counts = await generateData({ patients, out: join(dir, 'in'), format: 'ndjson', seed: 1 });
    const sink = localSink(parseLocalConfig({ FHIR_DATA_DIR: join(dir, 'data'), LOG_LEVEL: 'silent' }), 'default');
    // Warm-up outside the timing: the first resources of each type compile its extraction and validation.
    await generateData({ patients: 3, out: join(dir, 'warm'), format: 'ndjson', seed: 99 });
    await runImport(sink, { files: importFiles([join(dir, 'warm')]), batch: 500, resumeFile: join(dir, 'warm.json') });
    const report = await runImport(sink, { files: importFiles([join(dir, 'in')]), batch: 500, resumeFile: join(dir, 'resume.json') });
    await sink.close();
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    if (report.loaded !== total) throw new Error(`import loaded ${report.loaded} of ${total}`);
    return { name: `import ${total} generated resources (NDJSON, local fast path, batch 500)`, resources: total, seconds: report.seconds, perSecond: Math.round(total / report.seconds) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Seeds N Observations straight into the store (no index: the unfiltered export reads versions only). */
function seedStore(file: string, count: number): void {
  const store = new SqliteResourceStore({ filename: file, synchronous: 'NORMAL' });
  const lastUpdated = new Date().toISOString();
  const db = store.database;
  const insert = db.prepare('INSERT INTO resource_version (tenant, resource_type, id, version_id, last_updated, last_updated_ms, deleted, resource) VALUES (?, ?, ?, ?, ?, ?, 0, ?)');
  const current = db.prepare('INSERT INTO resource_current (tenant, resource_type, id, version_id, last_updated, last_updated_ms, deleted, resource) VALUES (?, ?, ?, ?, ?, ?, 0, ?)');
  const ms = Date.parse(lastUpdated);
  const batch = db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const id = `obs-${i}`;
      const json = JSON.stringify({ resourceType: 'Observation', id, meta: { versionId: '1', lastUpdated }, status: 'final', code: { coding: [{ system: 'http://loinc.org', code: '8867-4', display: 'Heart rate' }] }, subject: { reference: `Patient/p${i % 1000}` }, effectiveDateTime: lastUpdated, valueQuantity: { value: 60 + (i % 40), unit: '/min', system: 'http://unitsofmeasure.org', code: '/min' } });
      insert.run('default', 'Observation', id, '1', lastUpdated, ms, json);
      current.run('default', 'Observation', id, '1', lastUpdated, ms, json);
    }
  });
  for (let i = 0; i < count; i += 10_000) batch(i, Math.min(count, i + 10_000));
  db.close();
}

export async function benchExport(count: number): Promise<BulkFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-export-'));
  try {
    seedStore(join(dir, 'fhir.sqlite'), count);
    const running = await startLocalServer(parseLocalConfig({ PORT: '0', FHIR_DATA_DIR: dir, FHIR_AUTH_MODE: 'none', LOG_LEVEL: 'silent' }));
    try {
      let peak = process.memoryUsage().rss;
      const sampler = setInterval(() => {
        peak = Math.max(peak, process.memoryUsage().rss);
      }, 50);
      const started = Date.now();
      const kick = await fetch(`${running.rootUrl}/$export?_type=Observation`, { headers: { prefer: 'respond-async' } });
      const status = kick.headers.get('content-location') ?? '';
      let manifest: { output: { count: number }[] } | undefined;
      while (manifest === undefined) {
        const res = await fetch(status);
        if (res.status === 200) manifest = (await res.json()) as { output: { count: number }[] };
        else if (res.status !== 202) throw new Error(`export answered ${res.status}`);
        else await new Promise((r) => setTimeout(r, 50));
      }
      const seconds = (Date.now() - started) / 1000;
      clearInterval(sampler);
      const exported = manifest.output.reduce((n, f) => n + f.count, 0);
      if (exported !== count) throw new Error(`exported ${exported} of ${count}`);
      return { name: `system $export of ${count} Observations (HTTP kick-off to manifest)`, resources: count, seconds, perSecond: Math.round(count / seconds), peakRssMb: Math.round(peak / 2 ** 20) };
    } finally {
      await running.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function bulkTable(rows: readonly BulkFigures[]): string {
  const lines = ['| benchmark | resources | seconds | resources/s | peak RSS MB |', '| --- | ---: | ---: | ---: | ---: |'];
  for (const r of rows) lines.push(`| ${r.name} | ${r.resources} | ${r.seconds.toFixed(1)} | ${r.perSecond} | ${r.peakRssMb ?? ''} |`);
  return lines.join('\n');
}
