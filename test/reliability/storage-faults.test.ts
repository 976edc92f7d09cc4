// Disk full and a read-only database (issue 16): writes fail with a clear 503 OperationOutcome,
// reads keep working, nothing is corrupted, and the server recovers when the fault goes away.
// The full disk is a real one: a small tmpfs mounted for the test (CI runs as root). Where
// mounting is not allowed, SQLite's own page limit (PRAGMA max_page_count) produces the same
// SQLITE_FULL from the same code path. The read-only case switches the server's connection to
// query_only, which fails every write with SQLITE_READONLY.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SqliteResourceStore } from '../../adapters/embedded/sqlite-store';
import { checkMain } from '../../tools/check';
import { issueOf, startTestServer, type TestServer } from '../http/local-server';

const big = 'x'.repeat(40_000);
const basic = (n: number): Record<string, unknown> => ({ resourceType: 'Basic', code: { text: `filler ${n}` }, extension: [{ url: 'http://example.org/filler', valueString: big }] });

function tryMountTmpfs(dir: string, size: string): boolean {
  if (process.getuid?.() !== 0) return false;
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function databaseOf(server: TestServer): SqliteResourceStore['database'] {
  return (server.running.app.deps.store as SqliteResourceStore).database;
}

async function checkClean(dir: string): Promise<void> {
  const lines: string[] = [];
  const code = await checkMain(['--data-dir', dir, '--json'], {}, (line) => lines.push(line));
  expect(JSON.parse(lines.join('')).problems).toEqual([]);
  expect(code).toBe(0);
}

describe('storage faults', () => {
  let dir: string;
  let mounted = false;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'fhir-fault-'));
  });
  afterEach(() => {
    if (mounted) execFileSync('umount', [dir]);
    mounted = false;
    rmSync(dir, { recursive: true, force: true });
  });

  test('a full disk fails writes with 503 and Retry-After, keeps reads, and recovers when space returns', async () => {
    mounted = tryMountTmpfs(dir, '3m');
    const server = await startTestServer({ FHIR_DATA_DIR: dir }, { inMemory: false });
    try {
      if (!mounted) databaseOf(server).pragma('max_page_count = 1000');
      const first = await server.request('/Basic', { method: 'POST', body: basic(0) });
      expect(first.status).toBe(201);
      const acknowledged = [String(first.json.id)];
      let refused: Awaited<ReturnType<TestServer['request']>> | undefined;
      for (let n = 1; n < 400 && refused === undefined; n += 1) {
        const response = await server.request('/Basic', { method: 'POST', body: basic(n) });
        if (response.status === 201) acknowledged.push(String(response.json.id));
        else refused = response;
      }
      expect(refused?.status).toBe(503);
      expect(refused?.headers.get('retry-after')).toBe('10');
      expect(refused?.json.resourceType).toBe('OperationOutcome');
      expect(issueOf(refused?.json ?? {})).toMatchObject({ code: 'transient' });
      expect(issueOf(refused?.json ?? {}).diagnostics).toMatch(/full/);

      // Binary content goes to files: a full disk there is the same 503.
      const binary = await server.request('/Binary', { method: 'POST', rawBody: big.repeat(100), headers: { 'content-type': 'text/plain' } });
      expect(binary.status).toBe(503);

      // Reads and searches keep working, and every acknowledged write is there.
      for (const id of acknowledged) expect((await server.request(`/Basic/${id}`)).status).toBe(200);
      const search = await server.request('/Basic?_summary=count');
      expect(search.json.total).toBe(acknowledged.length);

      if (mounted) execFileSync('mount', ['-o', 'remount,size=64m', dir]);
      else databaseOf(server).pragma('max_page_count = 1073741823');
      const after = await server.request('/Basic', { method: 'POST', body: basic(999) });
      expect(after.status).toBe(201);
    } finally {
      await server.stop();
    }
    await checkClean(dir);
  });

  test('a read-only database fails writes with 503, keeps reads, and recovers', async () => {
    const server = await startTestServer({ FHIR_DATA_DIR: dir }, { inMemory: false });
    try {
      const created = await server.request('/Patient', { method: 'POST', body: { resourceType: 'Patient', name: [{ family: 'Stays' }] } });
      expect(created.status).toBe(201);
      databaseOf(server).pragma('query_only = 1');
      const refused = await server.request('/Patient', { method: 'POST', body: { resourceType: 'Patient', name: [{ family: 'Refused' }] } });
      expect(refused.status).toBe(503);
      expect(issueOf(refused.json).diagnostics).toMatch(/read-only/);
      const transaction = await server.request('/', {
        method: 'POST',
        body: { resourceType: 'Bundle', type: 'transaction', entry: [{ request: { method: 'POST', url: 'Patient' }, resource: { resourceType: 'Patient' } }] },
      });
      expect(transaction.status).toBe(503);
      expect((await server.request(`/Patient/${String(created.json.id)}`)).status).toBe(200);
      expect((await server.request('/Patient?family=Stays')).json.entry).toHaveLength(1);
      databaseOf(server).pragma('query_only = 0');
      expect((await server.request('/Patient', { method: 'POST', body: { resourceType: 'Patient' } })).status).toBe(201);
    } finally {
      await server.stop();
    }
    await checkClean(dir);
  });
});
