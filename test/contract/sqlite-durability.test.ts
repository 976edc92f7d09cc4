// "All data survives a restart and a kill -9" (issue 2, Embedded store): a child process
// commits to a file database and is killed with SIGKILL mid-stream; every commit it
// acknowledged before dying must be there when the file is opened again.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteResourceStore } from '../../adapters/embedded/sqlite-store';
import type { SqliteSynchronous } from '../../adapters/embedded/sqlite-schema';

const child = join(__dirname, 'sqlite-durability-child.ts');

/** Runs the child until it has acknowledged `acks` commits, kills it, and returns the last acknowledged n. */
function commitThenKill(filename: string, synchronous: SqliteSynchronous, acks: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', child, filename, synchronous], { stdio: ['pipe', 'pipe', 'pipe'] });
    const guard = setTimeout(() => proc.kill('SIGKILL'), 40_000);
    let lastAck = -1;
    let pending = '';
    let stderr = '';
    proc.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    proc.stdout.on('data', (chunk: Buffer) => {
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        const match = /^ack (\d+)$/.exec(line);
        if (match?.[1]) lastAck = Number(match[1]);
      }
      if (lastAck + 1 >= acks) proc.kill('SIGKILL');
    });
    proc.on('error', reject);
    proc.on('exit', (code, signal) => {
      clearTimeout(guard);
      if (lastAck + 1 < acks) reject(new Error(`the child died after ${lastAck + 1} acknowledgements (code ${String(code)}, ${String(signal)}): ${stderr}`));
      else if (signal === 'SIGKILL') resolve(lastAck);
      else reject(new Error(`the child exited on its own (code ${String(code)}): ${stderr}`));
    });
  });
}

describe.each<SqliteSynchronous>(['FULL', 'NORMAL'])('SQLite store with synchronous %s', (synchronous) => {
  let directory: string;
  beforeAll(() => {
    directory = mkdtempSync(join(tmpdir(), 'fhir-durability-'));
  });
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  test('every commit acknowledged before a kill -9 is there after reopening', async () => {
    const filename = join(directory, 'killed.db');
    const lastAck = await commitThenKill(filename, synchronous, 300);
    expect(lastAck).toBeGreaterThanOrEqual(299);

    const store = new SqliteResourceStore({ filename });
    try {
      expect(store.database.pragma('integrity_check', { simple: true })).toBe('ok');
      const keys = Array.from({ length: lastAck + 1 }, (_, n) => ({ resourceType: 'Patient', id: `p${n}` }));
      const found = await store.readMany('t1', keys);
      expect(found.filter((v) => v === undefined)).toHaveLength(0);
      const bulk = await store.readMany('t1', Array.from({ length: 100 }, (_, i) => ({ resourceType: 'Patient', id: `bulk${Math.floor(lastAck / 10) * 10}-${i}` })));
      expect(bulk.filter((v) => v === undefined)).toHaveLength(0);
      const counter = await store.read('t1', 'Patient', 'counter');
      expect(Number(counter?.versionId)).toBeGreaterThanOrEqual(lastAck + 1);
    } finally {
      await store.close();
    }
  }, 60_000);
});
