import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestServer, type TestServer } from './local-server';

describe('concurrency', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.stop();
  });

  it('50 concurrent If-Match updates of one version: exactly one wins, no lost update', async () => {
    await server.request('/Patient/race', { method: 'PUT', body: { resourceType: 'Patient', id: 'race' } });
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        server.request('/Patient/race', { method: 'PUT', body: { resourceType: 'Patient', id: 'race', name: [{ family: `writer-${i}` }] }, headers: { 'if-match': 'W/"1"' } }),
      ),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 412)).toHaveLength(49);
    const winner = results.find((r) => r.status === 200);
    const current = await server.request('/Patient/race');
    expect(current.json['meta']).toMatchObject({ versionId: '2' });
    expect(current.json['name']).toEqual(winner?.json['name']);
  });

  it('50 concurrent updates without If-Match all land as successive versions', async () => {
    await server.request('/Patient/race2', { method: 'PUT', body: { resourceType: 'Patient', id: 'race2' } });
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => server.request('/Patient/race2', { method: 'PUT', body: { resourceType: 'Patient', id: 'race2', name: [{ family: `w${i}` }] } })),
    );
    expect(results.every((r) => r.status === 200)).toBe(true);
    const versions = results.map((r) => Number((r.json['meta'] as { versionId: string }).versionId)).sort((a, b) => a - b);
    expect(versions).toEqual(Array.from({ length: 50 }, (_, i) => i + 2));
  });
});

describe('durability', () => {
  it('keeps data across a restart on the same data directory', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'fhir-restart-'));
    try {
      const first = await startTestServer({ FHIR_DATA_DIR: dataDir }, { inMemory: false });
      await first.request('/Patient/keep', { method: 'PUT', body: { resourceType: 'Patient', id: 'keep', active: true } });
      await first.stop();
      const second = await startTestServer({ FHIR_DATA_DIR: dataDir }, { inMemory: false });
      const res = await second.request('/Patient/keep');
      await second.stop();
      expect(res.status).toBe(200);
      expect(res.json['active']).toBe(true);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('keeps every acknowledged write after kill -9 of the server process', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'fhir-kill-'));
    const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, '..', '..', 'local', 'main.ts')], {
      env: { ...process.env, PORT: '0', FHIR_DATA_DIR: dataDir, FHIR_AUTH_MODE: 'none', LOG_LEVEL: 'silent' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const base = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const match = /listening on (\S+)/.exec(out);
          if (match?.[1]) resolve(match[1]);
        });
        child.once('exit', (code) => reject(new Error(`server exited early with ${String(code)}`)));
      });
      const acknowledged: string[] = [];
      for (let i = 0; i < 20; i += 1) {
        const res = await fetch(`${base}/Patient/k${i}`, { method: 'PUT', headers: { 'content-type': 'application/fhir+json' }, body: JSON.stringify({ resourceType: 'Patient', id: `k${i}` }) });
        if (res.status === 201) acknowledged.push(`k${i}`);
      }
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
      const server = await startTestServer({ FHIR_DATA_DIR: dataDir }, { inMemory: false });
      const found = await Promise.all(acknowledged.map(async (id) => (await server.request(`/Patient/${id}`)).status));
      await server.stop();
      expect(acknowledged).toHaveLength(20);
      expect(found.every((s) => s === 200)).toBe(true);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});
