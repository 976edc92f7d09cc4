// A restart in the middle of an export resumes from the job's checkpoint with exact counts: no
// resource twice, none missing (issue 12, "Jobs are durable"). Also the expiry of files.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { startTestServer } from '../http/local-server';
import { download, kickOff, poll, seed, type Manifest } from './export-client';

const TOTAL = 1000;

describe('$export durability', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'fhir-export-restart-'));
  });
  afterEach(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('resumes an interrupted export after a restart without duplicates or gaps', async () => {
    const env = { FHIR_DATA_DIR: dataDir, FHIR_EXPORT_MAX_RESOURCES_PER_FILE: '10' };
    const first = await startTestServer(env, { inMemory: false });
    const observations = Array.from({ length: TOTAL }, (_, i) => ({ resourceType: 'Observation', id: `o${i}`, status: 'final', code: { text: 'x' } }));
    await seed(first, observations);
    const started = await kickOff(first, '/$export?_type=Observation');
    expect(started.status).toBe(202);
    // Wait for some progress, then stop the server mid-export.
    for (;;) {
      const res = await fetch(started.location ?? '');
      if (/[1-9]\d* resources/.test(res.headers.get('x-progress') ?? '')) break;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await first.stop();
    const db = new BetterSqlite3(join(dataDir, 'fhir.sqlite'), { readonly: true });
    const row = db.prepare<[], { status: string; job: string }>('SELECT status, job FROM export_job').get();
    db.close();
    const files = (JSON.parse(row?.job ?? '{}') as { output: unknown[] }).output.length;
    expect(row?.status).toBe('in-progress');
    expect(files).toBeGreaterThan(0);
    expect(files).toBeLessThan(TOTAL / 10);

    const second = await startTestServer(env, { inMemory: false });
    try {
      const done = await poll(started.location?.replace(first.base, second.base) ?? '');
      expect(done.status).toBe(200);
      const manifest = done.json as unknown as Manifest;
      const exported = (await download(JSON.parse(JSON.stringify(manifest).split(first.base).join(second.base)) as Manifest)).get('Observation') ?? [];
      expect(exported).toHaveLength(TOTAL);
      expect(new Set(exported.map((r) => r.id)).size).toBe(TOTAL);
      expect(manifest.output.reduce((n, f) => n + f.count, 0)).toBe(TOTAL);
    } finally {
      await second.stop();
    }
  });

  it('deletes the files and the job once they expire', async () => {
    const server = await startTestServer({ FHIR_DATA_DIR: dataDir, FHIR_EXPORT_EXPIRY_SECONDS: '1' }, { inMemory: false });
    try {
      await seed(server, [{ resourceType: 'Patient', id: 'p1' }]);
      const started = await kickOff(server, '/$export?_type=Patient');
      expect((await poll(started.location ?? '')).status).toBe(200);
      const jobId = (started.location ?? '').split('/').pop() ?? '';
      const dir = join(dataDir, 'exports', 'default', jobId);
      expect(existsSync(dir)).toBe(true);
      const deadline = Date.now() + 5000;
      while (existsSync(dir) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
      expect(existsSync(dir)).toBe(false);
      expect((await fetch(started.location ?? '')).status).toBe(404);
    } finally {
      await server.stop();
    }
  });
});
