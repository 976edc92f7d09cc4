// What the SQLite store does beyond the ResourceStore contract (test/contract/): the search
// index seam, connection settings, schema versioning and the speed of a large commit.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import BetterSqlite3 from 'better-sqlite3';
import { FhirError, VersionConflictError } from '../../core/errors/fhir-error';
import type { WriteOperation } from '../../core/ports/resource-store';
import type { IndexEntry } from '../../core/search/index-entry';
import type { SqliteIndexWriter } from './sqlite-index-writer';
import { SqliteResourceStore } from './sqlite-store';

/** A small real index writer: one row per entry in its own table, as the search backend keeps them. */
class TableIndexWriter implements SqliteIndexWriter {
  migrations = 0;
  writesOutsideTransaction = 0;

  migrate(db: Database): void {
    this.migrations++;
    db.exec('CREATE TABLE IF NOT EXISTS test_index (tenant TEXT, resource_type TEXT, id TEXT, param TEXT, entry TEXT)');
  }

  write(db: Database, tenant: string, resourceType: string, id: string, entries: readonly IndexEntry[]): void {
    if (!db.inTransaction) this.writesOutsideTransaction++;
    this.remove(db, tenant, resourceType, id);
    const insert = db.prepare('INSERT INTO test_index VALUES (?, ?, ?, ?, ?)');
    for (const entry of entries) insert.run(tenant, resourceType, id, entry.param, JSON.stringify(entry));
  }

  remove(db: Database, tenant: string, resourceType: string, id: string): void {
    db.prepare('DELETE FROM test_index WHERE tenant = ? AND resource_type = ? AND id = ?').run(tenant, resourceType, id);
  }
}

const family = (value: string): IndexEntry => ({ type: 'string', param: 'family', value: value.toLowerCase(), exact: value });

function write(id: string, expectedVersionId: string | null, versionId: string, index: IndexEntry[] = []): WriteOperation {
  const lastUpdated = `2024-01-01T00:00:${versionId.padStart(2, '0')}.000Z`;
  return { resourceType: 'Patient', id, expectedVersionId, versionId, lastUpdated, resource: { resourceType: 'Patient', id, meta: { versionId, lastUpdated } }, index };
}

function indexRows(store: SqliteResourceStore): unknown[] {
  return store.database.prepare('SELECT tenant, id, param FROM test_index ORDER BY id, param').all();
}

describe('SqliteResourceStore with a SqliteIndexWriter', () => {
  let writer: TableIndexWriter;
  let store: SqliteResourceStore;
  beforeEach(() => {
    writer = new TableIndexWriter();
    store = new SqliteResourceStore({ filename: ':memory:', indexWriter: writer });
  });
  afterEach(() => store.close());

  test('migrates the index tables once when the store opens', () => {
    expect(writer.migrations).toBe(1);
  });

  test('writes the index rows of a commit inside its transaction, visible right after', async () => {
    await store.commit('t1', [write('p1', null, '1', [family('Smith')])]);

    expect(indexRows(store)).toEqual([{ tenant: 't1', id: 'p1', param: 'family' }]);
    expect(writer.writesOutsideTransaction).toBe(0);
  });

  test('a failed commit leaves no index rows', async () => {
    await expect(store.commit('t1', [write('p1', null, '1', [family('Smith')]), write('p2', '9', '10', [family('Jones')])])).rejects.toBeInstanceOf(VersionConflictError);
    expect(indexRows(store)).toEqual([]);
  });

  test('a delete tombstone removes the index rows of the resource', async () => {
    await store.commit('t1', [write('p1', null, '1', [family('Smith')]), write('p2', null, '1', [family('Jones')])]);

    await store.commit('t1', [{ ...write('p1', '1', '2'), resource: undefined }]);

    expect(indexRows(store)).toEqual([{ tenant: 't1', id: 'p2', param: 'family' }]);
  });

  test('an index writer that throws aborts the whole commit', async () => {
    const failing = new SqliteResourceStore({
      filename: ':memory:',
      indexWriter: { migrate: () => undefined, write: () => { throw new Error('index full'); }, remove: () => undefined },
    });

    await expect(failing.commit('t1', [write('p1', null, '1')])).rejects.toThrow('index full');

    await expect(failing.read('t1', 'Patient', 'p1')).resolves.toBeUndefined();
    await failing.close();
  });
});

describe('SqliteResourceStore on a file', () => {
  let directory: string;
  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'fhir-sqlite-store-'));
  });
  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  test('opens in WAL mode with synchronous FULL by default', async () => {
    const store = new SqliteResourceStore({ filename: join(directory, 'a.db') });
    expect(store.database.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(store.database.pragma('synchronous', { simple: true })).toBe(2);
    await store.close();
  });

  test('uses synchronous NORMAL when asked', async () => {
    const store = new SqliteResourceStore({ filename: join(directory, 'a.db'), synchronous: 'NORMAL' });
    expect(store.database.pragma('synchronous', { simple: true })).toBe(1);
    await store.close();
  });

  test('creates the directory of the database file', async () => {
    const store = new SqliteResourceStore({ filename: join(directory, 'nested', 'deeper', 'a.db') });
    await store.commit('t1', [write('p1', null, '1')]);
    await store.close();
  });

  test('keeps every version across close and reopen', async () => {
    const filename = join(directory, 'a.db');
    const first = new SqliteResourceStore({ filename });
    await first.commit('t1', [write('p1', null, '1')]);
    await first.commit('t1', [write('p1', '1', '2')]);
    await first.close();

    const reopened = new SqliteResourceStore({ filename });

    expect((await reopened.read('t1', 'Patient', 'p1'))?.versionId).toBe('2');
    expect((await reopened.history('t1', { resourceType: 'Patient', id: 'p1', count: 10 })).versions.map((v) => v.versionId)).toEqual(['2', '1']);
    await reopened.close();
  });

  test('refuses a database written by a newer schema version', () => {
    const filename = join(directory, 'newer.db');
    const db = new BetterSqlite3(filename);
    db.pragma('user_version = 99');
    db.close();

    expect(() => new SqliteResourceStore({ filename })).toThrow(/schema version 99/);
  });
});

describe('SqliteResourceStore limits and inputs', () => {
  let store: SqliteResourceStore;
  beforeEach(() => {
    store = new SqliteResourceStore({ filename: ':memory:' });
  });
  afterEach(() => store.close());

  test('has no limit on the writes of one commit', () => {
    expect(store.maxAtomicWrites).toBe(Number.POSITIVE_INFINITY);
  });

  test('commits 10,000 writes in one transaction within two seconds', async () => {
    const writes = Array.from({ length: 10_000 }, (_, i) => write(`p${i}`, null, '1'));
    const started = performance.now();

    await store.commit('t1', writes);

    expect(performance.now() - started).toBeLessThan(2000);
    expect(store.database.prepare('SELECT count(*) FROM resource_current').pluck().get()).toBe(10_000);
  });

  test('readMany answers 5,000 keys in one call', async () => {
    await store.commit('t1', Array.from({ length: 5000 }, (_, i) => write(`p${i}`, null, '1')));
    const found = await store.readMany('t1', Array.from({ length: 5000 }, (_, i) => ({ resourceType: 'Patient', id: `p${4999 - i}` })));
    expect(found.map((v) => v?.id)).toEqual(Array.from({ length: 5000 }, (_, i) => `p${4999 - i}`));
  });

  test('an unparsable _since is a FhirError pointing at _since', async () => {
    const failure = store.history('t1', { since: 'yesterday-ish', count: 10 });
    await expect(failure).rejects.toBeInstanceOf(FhirError);
    await expect(failure).rejects.toMatchObject({ status: 400, expression: ['_since'] });
  });

  test('_count 0 returns no versions but the total', async () => {
    await store.commit('t1', [write('p1', null, '1'), write('p2', null, '1')]);
    await expect(store.history('t1', { count: 0 })).resolves.toEqual({ versions: [], total: 2 });
  });

  test('history-type counts the total on its first page only; history-instance on every page', async () => {
    await store.commit('t1', [write('p1', null, '1'), write('p2', null, '1'), write('p3', null, '1')]);
    await store.commit('t1', [write('p1', '1', '2')]);
    await store.commit('t1', [write('p1', '2', '3')]);

    const first = await store.history('t1', { resourceType: 'Patient', count: 2 });
    const second = await store.history('t1', { resourceType: 'Patient', count: 2, cursor: first.nextCursor ?? '' });
    const instanceFirst = await store.history('t1', { resourceType: 'Patient', id: 'p1', count: 2 });
    const instanceSecond = await store.history('t1', { resourceType: 'Patient', id: 'p1', count: 2, cursor: instanceFirst.nextCursor ?? '' });

    expect([first.total, second.total, instanceFirst.total, instanceSecond.total]).toEqual([5, undefined, 3, 3]);
  });

  test('history cursors are opaque base64url strings', async () => {
    await store.commit('t1', [write('p1', null, '1'), write('p2', null, '1')]);
    const page = await store.history('t1', { count: 1 });
    expect(page.nextCursor).toMatch(/^[A-Za-z0-9_-]+$/);
  });
});
