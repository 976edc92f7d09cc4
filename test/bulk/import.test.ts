// `npm run import` (issue 12, "Import"): every input shape, both destinations, bad input
// reported by file and line, and a kill in the middle then a resume giving exact counts.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { generateData } from '../../tools/generate-data';
import { importFiles } from '../../tools/import';
import { runImport } from '../../tools/import/import-run';
import { httpSink, localSink, type ImportSink } from '../../tools/import/import-sink';
import { parseLocalConfig } from '../../wiring/config';
import { startTestServer } from '../http/local-server';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'fhir-import-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const dataDir = (): string => join(dir, 'data');
const local = (): ImportSink => localSink(parseLocalConfig({ FHIR_DATA_DIR: dataDir(), LOG_LEVEL: 'silent', FHIR_SQLITE_SYNCHRONOUS: 'NORMAL' }), 'default');

function storedCounts(): Record<string, number> {
  const db = new BetterSqlite3(join(dataDir(), 'fhir.sqlite'), { readonly: true });
  try {
    const rows = db.prepare<[], { t: string; n: number }>("SELECT resource_type AS t, count(*) AS n FROM resource_current WHERE deleted = 0 AND tenant = 'default' GROUP BY 1").all();
    return Object.fromEntries(rows.map((r) => [r.t, r.n]));
  } finally {
    db.close();
  }
}

async function importWith(sink: ImportSink, paths: string[], batch = 100): Promise<Awaited<ReturnType<typeof runImport>>> {
  try {
    return await runImport(sink, { files: importFiles(paths), batch, resumeFile: join(dir, 'resume.json') });
  } finally {
    await sink.close();
  }
}

describe('import', () => {
  it('loads generated NDJSON into the local data directory with exact counts', async () => {
    const counts = await generateData({ patients: 30, out: join(dir, 'in'), format: 'ndjson', seed: 3 });
    const report = await importWith(local(), [join(dir, 'in')]);
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    expect(report).toMatchObject({ loaded: total, skipped: 0, failed: [], badLines: [] });
    expect(storedCounts()).toEqual(counts);
  });

  it('loads Synthea-style transaction Bundles keeping urn:uuid and conditional references intact', async () => {
    const counts = await generateData({ patients: 5, out: join(dir, 'in'), format: 'bundle', seed: 3 });
    const report = await importWith(local(), [join(dir, 'in')]);
    expect(report.failed).toEqual([]);
    expect(storedCounts()).toEqual(counts);
    const db = new BetterSqlite3(join(dataDir(), 'fhir.sqlite'), { readonly: true });
    const refs = db.prepare<[], string>("SELECT resource ->> '$.subject.reference' FROM resource_current WHERE resource_type = 'Observation'").pluck().all();
    const patients = new Set(db.prepare<[], string>("SELECT 'Patient/' || id FROM resource_current WHERE resource_type = 'Patient'").pluck().all());
    const org = db.prepare<[], string>("SELECT resource ->> '$.managingOrganization.reference' FROM resource_current WHERE resource_type = 'Patient'").pluck().all();
    const orgId = db.prepare<[], string>("SELECT 'Organization/' || id FROM resource_current WHERE resource_type = 'Organization'").pluck().get();
    db.close();
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) expect(patients.has(ref)).toBe(true);
    expect(new Set(org)).toEqual(new Set([orgId]));
  });

  it('loads batch and collection Bundles and single resources; a second run of a Bundle adds no duplicate', async () => {
    mkdirSync(join(dir, 'in'));
    writeFileSync(join(dir, 'in', 'batch.json'), JSON.stringify({ resourceType: 'Bundle', type: 'batch', entry: [{ resource: { resourceType: 'Patient', id: 'b1' }, request: { method: 'PUT', url: 'Patient/b1' } }] }));
    writeFileSync(join(dir, 'in', 'collection.json'), JSON.stringify({ resourceType: 'Bundle', type: 'collection', entry: [{ resource: { resourceType: 'Patient', id: 'c1' } }, { resource: { resourceType: 'Observation', status: 'final', code: { text: 'x' }, subject: { reference: 'Patient/c1' } } }] }));
    writeFileSync(join(dir, 'in', 'one.json'), JSON.stringify({ resourceType: 'Practitioner', id: 'pr1' }));
    writeFileSync(join(dir, 'in', 'tx.json'), JSON.stringify({ resourceType: 'Bundle', type: 'transaction', entry: [{ fullUrl: 'urn:uuid:6f1c1a52-0000-4000-8000-000000000001', resource: { resourceType: 'Patient' }, request: { method: 'POST', url: 'Patient' } }] }));
    const report = await importWith(local(), [join(dir, 'in')]);
    expect(report).toMatchObject({ loaded: 5, failed: [], badLines: [] });
    rmSync(join(dir, 'resume.json'));
    await importWith(local(), [join(dir, 'in', 'tx.json')]);
    expect(storedCounts()).toEqual({ Patient: 3, Observation: 1, Practitioner: 1 });
  });

  it('reports bad lines and failing resources with file and line, and loads the rest', async () => {
    mkdirSync(join(dir, 'in'));
    const file = join(dir, 'in', 'mixed.ndjson');
    writeFileSync(file, [
      JSON.stringify({ resourceType: 'Patient', id: 'ok1' }),
      '{ not json',
      JSON.stringify({ hello: 'world' }),
      JSON.stringify({ resourceType: 'Patient', id: 'bad1', gender: 'sometimes' }),
      JSON.stringify({ resourceType: 'Patient', id: 'ok2' }),
    ].join('\n'));
    const report = await importWith(local(), [file]);
    expect(report.loaded).toBe(2);
    expect(report.badLines.map((b) => [b.line, b.reason.slice(0, 8)])).toEqual([[2, 'not JSON'], [3, 'not a FH']]);
    expect(report.failed).toHaveLength(1);
    expect(report.failed[0]).toMatchObject({ file, line: 4 });
    expect(report.failed[0]?.reason).toContain('gender');
    expect(storedCounts()).toEqual({ Patient: 2 });
  });

  it('loads over HTTP into a FHIR server with a bearer token', async () => {
    const server = await startTestServer({ FHIR_AUTH_MODE: 'cognito' });
    try {
      const counts = await generateData({ patients: 4, out: join(dir, 'in'), format: 'bundle', seed: 5 });
      const token = server.running.app.devIssuer?.mint({ groups: ['practitioner'] });
      const report = await importWith(httpSink(server.base, token), [join(dir, 'in')]);
      expect(report.failed).toEqual([]);
      const res = await server.request('/Observation?_summary=count', { headers: { authorization: `Bearer ${token ?? ''}` } });
      expect(res.json['total']).toBe(counts['Observation']);
    } finally {
      await server.stop();
    }
  });

  it('resumes after a kill -9 in the middle with exact counts and no duplicates', async () => {
    const counts = await generateData({ patients: 150, out: join(dir, 'in'), format: 'ndjson', seed: 9 });
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    const resume = join(dir, 'resume.json');
    const run = (): ReturnType<typeof spawn> =>
      spawn(process.execPath, ['--import', 'tsx', 'tools/import.ts', join(dir, 'in'), '--batch', '20', '--resume', resume, '--report', join(dir, 'report.json')], {
        env: { ...process.env, FHIR_DATA_DIR: dataDir(), LOG_LEVEL: 'silent' }, stdio: 'ignore',
      });
    const first = run();
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      if (existsSync(resume) && (JSON.parse(readFileSync(resume, 'utf8')) as { loaded: number }).loaded > 0) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    first.kill('SIGKILL');
    await new Promise((r) => first.once('exit', r));
    const loadedBefore = (JSON.parse(readFileSync(resume, 'utf8')) as { loaded: number }).loaded;
    expect(loadedBefore).toBeGreaterThan(0);
    expect(loadedBefore).toBeLessThan(total);
    const second = run();
    expect(await new Promise((r) => second.once('exit', r))).toBe(0);
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as { loaded: number; skipped: number; failed: unknown[] };
    expect(report.failed).toEqual([]);
    expect(storedCounts()).toEqual(counts);
    // At most the one batch in flight at the kill is written again (as a new version, never a new resource).
    expect(report.skipped).toBe(loadedBefore);
    expect(report.loaded + report.skipped).toBeGreaterThanOrEqual(total);
    expect(report.loaded + report.skipped).toBeLessThanOrEqual(total + 20);
  }, 120_000);
});
