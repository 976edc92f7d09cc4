// npm run check / backup / restore over real data directories written by the real server (issue 16).
import { mkdtempSync, readdirSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { backupMain } from '../../tools/backup';
import { checkMain } from '../../tools/check';
import { restoreMain } from '../../tools/restore';
import { runExport } from '../bulk/export-client';
import { startTestServer, type TestServer } from '../http/local-server';

const patient = (family: string): Record<string, unknown> => ({ resourceType: 'Patient', name: [{ family, given: ['Ada'] }], birthDate: '1970-01-01' });

async function seed(server: TestServer): Promise<{ ids: string[]; binaryId: string }> {
  const ids: string[] = [];
  for (let i = 0; i < 20; i += 1) {
    const created = await server.request('/Patient', { method: 'POST', body: patient(`Family${i}`) });
    expect(created.status).toBe(201);
    ids.push(String(created.json.id));
  }
  const first = ids[0] as string;
  const updated = await server.request(`/Patient/${first}`, { method: 'PUT', body: { ...patient('Renamed'), id: first } });
  expect(updated.status).toBe(200);
  expect([200, 204]).toContain((await server.request(`/Patient/${ids[1] as string}`, { method: 'DELETE' })).status);
  const binary = await server.request('/Binary', { method: 'POST', rawBody: 'hello bytes', headers: { 'content-type': 'text/plain' } });
  expect(binary.status).toBe(201);
  return { ids, binaryId: String(binary.json.id ?? binary.headers.get('location')?.split('/')[5]) };
}

async function run(main: typeof checkMain, args: string[]): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const code = await main(args, {}, (line) => lines.push(line));
  return { code, out: lines.join('\n') };
}

describe('npm run check', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'fhir-check-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('a data directory written by the server is consistent', async () => {
    const server = await startTestServer({ FHIR_DATA_DIR: dir }, { inMemory: false });
    await seed(server);
    const result = await run(checkMain, ['--data-dir', dir, '--json']);
    await server.stop();
    const report = JSON.parse(result.out) as { resources: number; versions: number; binaries: number; problems: unknown[] };
    expect(report.problems).toEqual([]);
    expect(result.code).toBe(0);
    expect(report.resources).toBe(21);
    expect(report.versions).toBe(23);
    expect(report.binaries).toBe(1);
  });

  test('reports a stale index, a wrong current row and a missing Binary by id; --repair rebuilds what is derived', async () => {
    const server = await startTestServer({ FHIR_DATA_DIR: dir }, { inMemory: false });
    const { ids } = await seed(server);
    await server.stop();
    const db = new BetterSqlite3(join(dir, 'fhir.sqlite'));
    const [a, , c, d] = ids as [string, string, string, string];
    db.prepare("DELETE FROM sp_string WHERE rid = (SELECT rid FROM sp_resource WHERE rtype = 'Patient' AND id = ?)").run(c);
    db.prepare("DELETE FROM sp_resource WHERE rtype = 'Patient' AND id = ?").run(d);
    db.prepare("UPDATE resource_current SET version_id = '1', resource = (SELECT resource FROM resource_version WHERE id = ? AND version_id = '1') WHERE id = ?").run(a, a);
    db.close();
    for (const tenantDir of readdirSync(join(dir, 'binaries'))) {
      for (const file of readdirSync(join(dir, 'binaries', tenantDir))) unlinkSync(join(dir, 'binaries', tenantDir, file));
    }

    const found = await run(checkMain, ['--data-dir', dir, '--json']);
    const report = JSON.parse(found.out) as { problems: { kind: string; id: string }[] };
    expect(found.code).toBe(1);
    expect(report.problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'index-stale', id: c }),
        expect.objectContaining({ kind: 'index-missing', id: d }),
        expect.objectContaining({ kind: 'current-mismatch', id: a }),
        expect.objectContaining({ kind: 'binary-missing' }),
        expect.objectContaining({ kind: 'index-orphan-rows' }),
      ]),
    );

    const repaired = await run(checkMain, ['--data-dir', dir, '--repair', '--json']);
    const after = JSON.parse(repaired.out) as { problems: { kind: string }[] };
    // Binary bytes are not derived data: the checker can only say they are gone.
    expect(after.problems.map((p) => p.kind)).toEqual(['binary-missing']);
    const restarted = await startTestServer({ FHIR_DATA_DIR: dir }, { inMemory: false });
    try {
      const read = await restarted.request(`/Patient/${a}`);
      expect(read.json.meta).toMatchObject({ versionId: '2' });
      const search = await restarted.request(`/Patient?family=Family${ids.indexOf(d)}&_total=accurate`);
      expect(search.json.total).toBe(1);
    } finally {
      await restarted.stop();
    }
  });
});

describe('npm run check: the Subscription outbox and export jobs', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'fhir-check-queues-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('are clean as the server leaves them; orphan notifications, a checkpoint past the log and missing export files are reported by id', async () => {
    const server = await startTestServer({ FHIR_DATA_DIR: dir, FHIR_SUBSCRIPTION_POLL_MS: '50' }, { inMemory: false });
    const subscription = await server.request('/Subscription', {
      method: 'POST',
      body: { resourceType: 'Subscription', status: 'requested', reason: 'check', criteria: 'Patient?family=Queued', channel: { type: 'rest-hook', endpoint: 'http://127.0.0.1:9/hook', payload: 'application/fhir+json' } },
    });
    expect(subscription.status).toBe(201);
    const subscriptionId = String(subscription.json.id);
    for (let waited = 0; waited < 10_000 && (await server.request(`/Subscription/${subscriptionId}`)).json.status !== 'active'; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
    for (let i = 0; i < 3; i += 1) expect((await server.request('/Patient', { method: 'POST', body: patient('Queued') })).status).toBe(201);
    const manifest = await runExport(server, '/$export?_type=Patient');
    expect(manifest.output.length).toBeGreaterThan(0);
    // The outbox has recorded the notifications (delivered or not) before the server stops.
    const db = (): BetterSqlite3.Database => new BetterSqlite3(join(dir, 'fhir.sqlite'));
    for (let waited = 0; waited < 10_000; waited += 50) {
      const probe = db();
      const queued = probe.prepare<[], number>('SELECT COUNT(*) FROM subscription_delivery').pluck().get() ?? 0;
      probe.close();
      if (queued >= 3) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await server.stop();

    const clean = await run(checkMain, ['--data-dir', dir, '--json']);
    expect(JSON.parse(clean.out)).toMatchObject({ problems: [] });
    expect(clean.code).toBe(0);

    const writable = db();
    writable.prepare("INSERT INTO subscription_delivery (notification_id, tenant, subscription_id, resource_type, resource_id, version_id, seq, state) VALUES ('ghost', 'default', ?, 'Patient', 'never-stored', '1', 999999, 'pending')").run(subscriptionId);
    writable.prepare("INSERT INTO subscription_delivery (notification_id, tenant, subscription_id, resource_type, resource_id, version_id, seq, state) SELECT 'lost-subscription', tenant, 'no-such-subscription', resource_type, id, version_id, seq, 'pending' FROM resource_version WHERE resource_type = 'Patient' LIMIT 1").run();
    writable.prepare("UPDATE subscription_checkpoint SET seq = seq + 1000").run();
    const jobId = writable.prepare<[], string>('SELECT id FROM export_job').pluck().get() ?? '';
    writable.close();
    const jobDir = join(dir, 'exports', 'default', jobId);
    const [firstFile] = readdirSync(jobDir);
    unlinkSync(join(jobDir, firstFile ?? ''));

    const found = await run(checkMain, ['--data-dir', dir, '--json']);
    const report = JSON.parse(found.out) as { problems: { kind: string; id: string; detail: string }[] };
    expect(found.code).toBe(1);
    expect(report.problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'outbox-orphan', id: 'never-stored', detail: expect.stringMatching(/notification ghost/) as unknown }),
        expect.objectContaining({ kind: 'outbox-orphan', detail: expect.stringMatching(/Subscription\/no-such-subscription, which was never stored/) as unknown }),
        expect.objectContaining({ kind: 'outbox-checkpoint-ahead' }),
        expect.objectContaining({ kind: 'export-file-missing', id: jobId, detail: expect.stringContaining(firstFile ?? '') as unknown }),
      ]),
    );
    expect(report.problems).toHaveLength(4);
  });
});

describe('npm run backup and npm run restore', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'fhir-backup-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('a backup taken under write load restores to a consistent prefix of the live data', async () => {
    const live = join(dir, 'live');
    const server = await startTestServer({ FHIR_DATA_DIR: live }, { inMemory: false });
    await seed(server);
    let writing = true;
    let acknowledged = 0;
    const writers = Array.from({ length: 4 }, async (_, w) => {
      while (writing) {
        const created = await server.request('/Patient', { method: 'POST', body: patient(`Load${w}`) });
        expect(created.status).toBe(201);
        acknowledged += 1;
      }
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const file = join(dir, 'backup.sqlite');
    const backedUp = await run(backupMain, [file, '--data-dir', live]);
    const ackedAtBackupEnd = acknowledged;
    await new Promise((resolve) => setTimeout(resolve, 200));
    writing = false;
    await Promise.all(writers);
    await server.stop();
    expect(backedUp.code).toBe(0);
    expect(ackedAtBackupEnd).toBeGreaterThan(0);

    const restored = join(dir, 'restored');
    const restore = await run(restoreMain, [file, '--data-dir', restored]);
    expect(restore.code).toBe(0);
    expect(restore.out).toMatch(/1 Binary contents/);
    const check = await run(checkMain, ['--data-dir', restored, '--json']);
    expect(JSON.parse(check.out)).toMatchObject({ problems: [], binaries: 1 });

    // Every restored version is, byte for byte, the live version with the same commit number:
    // the backup is a snapshot (a prefix of the commit log), not a mix of moments.
    const source = new BetterSqlite3(join(live, 'fhir.sqlite'), { readonly: true });
    const copy = new BetterSqlite3(join(restored, 'fhir.sqlite'), { readonly: true });
    const rows = (db: BetterSqlite3.Database): { seq: number; id: string; version_id: string; resource: string | null }[] =>
      db.prepare<[], { seq: number; id: string; version_id: string; resource: string | null }>('SELECT seq, id, version_id, resource FROM resource_version ORDER BY seq').all();
    const sourceRows = rows(source);
    const copyRows = rows(copy);
    source.close();
    copy.close();
    expect(copyRows.length).toBeGreaterThan(23);
    expect(copyRows.length).toBeLessThanOrEqual(sourceRows.length);
    expect(copyRows).toEqual(sourceRows.slice(0, copyRows.length));

    const reopened = await startTestServer({ FHIR_DATA_DIR: restored }, { inMemory: false });
    const binaries = await reopened.request('/Binary');
    const binaryId = (binaries.json.entry as { resource: { id: string } }[])[0]?.resource.id ?? '';
    const content = await fetch(`${reopened.base}/Binary/${binaryId}`, { headers: { accept: 'text/plain' } });
    expect(await content.text()).toBe('hello bytes');
    await reopened.stop();
  });

  test('restore refuses to replace an existing database without --force, and refuses a file that is not a backup', async () => {
    const server = await startTestServer({ FHIR_DATA_DIR: dir }, { inMemory: false });
    await server.stop();
    const file = join(dir, 'backup.sqlite');
    await run(backupMain, [file, '--data-dir', dir]);
    await expect(run(restoreMain, [file, '--data-dir', dir])).rejects.toThrow(/--force/);
    await expect(run(restoreMain, [join(dir, 'fhir.sqlite'), '--data-dir', join(dir, 'other')])).rejects.toThrow(/not a backup/);
  });
});
