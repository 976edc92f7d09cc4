// The embedded system of record: ResourceStore on SQLite through better-sqlite3 (issue 2,
// "Embedded store"; DESIGN.md: Ports). Tables are in sqlite-schema.ts, history in
// sqlite-history.ts. better-sqlite3 is synchronous, so each method does its work at once and
// returns a settled promise; one connection per process serializes commits.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3, { type Database, type Statement } from 'better-sqlite3';
import { VersionConflictError } from '../../core/errors/fhir-error';
import type {
  CommitOptions,
  CreateGuard,
  GuardClaim,
  HistoryPage,
  HistoryQuery,
  ResourceKey,
  ResourceStore,
  StoredVersion,
  WriteOperation,
} from '../../core/ports/resource-store';
import { SqliteHistoryQueries } from './sqlite-history';
import type { SqliteIndexWriter } from './sqlite-index-writer';
import { instantToMs, toStoredVersion, versionColumns, type VersionRow } from './sqlite-rows';
import { configureConnection, migrateStoreSchema, type SqliteSynchronous } from './sqlite-schema';
import { isStorageFault, translateStorageError } from './storage-errors';

export interface SqliteResourceStoreOptions {
  /** A database file (its directory is created), or ':memory:' for tests. */
  readonly filename: string;
  /** Keeps the search index tables in step with every commit, in the same transaction. */
  readonly indexWriter?: SqliteIndexWriter;
  /** Durability of an acknowledged commit; see SqliteSynchronous. Default 'FULL'. */
  readonly synchronous?: SqliteSynchronous;
  /** How long a commit waits for another process holding the write lock, in ms. Default 5000. */
  readonly busyTimeoutMs?: number;
}

type KeyParams = [tenant: string, resourceType: string, id: string];
type VersionParams = [tenant: string, resourceType: string, id: string, versionId: string, lastUpdated: string, lastUpdatedMs: number, deleted: number, resource: string | null];
type UpdateParams = [versionId: string, lastUpdated: string, lastUpdatedMs: number, deleted: number, resource: string | null, tenant: string, resourceType: string, id: string, expectedVersionId: string];
type ReadManyRow = VersionRow & { readonly position: number };

interface GuardRow {
  readonly holder: string;
  readonly token: string;
  readonly expires_at_ms: number;
}

interface PendingCommit {
  readonly tenant: string;
  readonly writes: readonly WriteOperation[];
  readonly guards: readonly CreateGuard[];
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

export class SqliteResourceStore implements ResourceStore {
  /** One SQLite transaction holds any number of writes. */
  readonly maxAtomicWrites = Number.POSITIVE_INFINITY;

  private readonly db: Database;
  private readonly indexWriter: SqliteIndexWriter | undefined;
  private readonly historyQueries: SqliteHistoryQueries;
  private readonly selectCurrent: Statement<KeyParams, VersionRow>;
  private readonly selectCurrentVersionId: Statement<KeyParams, string>;
  private readonly selectVersion: Statement<[...KeyParams, versionId: string], VersionRow>;
  private readonly selectMany: Statement<[keysJson: string, tenant: string], ReadManyRow>;
  private readonly insertVersion: Statement<VersionParams>;
  private readonly insertCurrent: Statement<VersionParams>;
  private readonly updateCurrent: Statement<UpdateParams>;
  private readonly commitAll: (tenant: string, writes: readonly WriteOperation[], guards: readonly CreateGuard[]) => void;
  private readonly selectGuard: Statement<[tenant: string, key: string], GuardRow>;
  private readonly upsertGuard: Statement<[tenant: string, key: string, holder: string, token: string, expiresAtMs: number]>;
  private readonly commitGroup: (group: readonly PendingCommit[], failures: unknown[]) => void;
  private pending: PendingCommit[] = [];
  private flushScheduled = false;

  constructor(options: SqliteResourceStoreOptions) {
    const inMemory = options.filename === ':memory:' || options.filename === '';
    if (!inMemory) mkdirSync(dirname(options.filename), { recursive: true });
    this.db = new BetterSqlite3(options.filename, { timeout: options.busyTimeoutMs ?? 5000 });
    try {
      configureConnection(this.db, options.synchronous ?? 'FULL');
      migrateStoreSchema(this.db);
      options.indexWriter?.migrate(this.db);
    } catch (error) {
      this.db.close();
      throw error;
    }
    this.indexWriter = options.indexWriter;
    this.historyQueries = new SqliteHistoryQueries(this.db);

    const key = 'tenant = ? AND resource_type = ? AND id = ?';
    this.selectCurrent = this.db.prepare<KeyParams, VersionRow>(`SELECT ${versionColumns} FROM resource_current WHERE ${key}`);
    this.selectCurrentVersionId = this.db.prepare<KeyParams, string>(`SELECT version_id FROM resource_current WHERE ${key}`).pluck();
    this.selectVersion = this.db.prepare<[...KeyParams, string], VersionRow>(
      `SELECT ${versionColumns} FROM resource_version WHERE ${key} AND version_id = ?`,
    );
    // One query for any number of keys: the keys travel as a JSON array of [type, id] pairs and
    // CROSS JOIN makes SQLite walk them in order, probing the primary key once per key.
    this.selectMany = this.db.prepare<[string, string], ReadManyRow>(
      `SELECT k.key AS position, c.resource_type, c.id, c.version_id, c.last_updated, c.deleted, c.resource
       FROM json_each(?) AS k CROSS JOIN resource_current AS c
       WHERE c.tenant = ? AND c.resource_type = k.value ->> 0 AND c.id = k.value ->> 1`,
    );
    const columns = 'tenant, resource_type, id, version_id, last_updated, last_updated_ms, deleted, resource';
    this.insertVersion = this.db.prepare<VersionParams>(`INSERT INTO resource_version (${columns}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`);
    this.insertCurrent = this.db.prepare<VersionParams>(
      `INSERT INTO resource_current (${columns}) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
    );
    this.updateCurrent = this.db.prepare<UpdateParams>(
      `UPDATE resource_current SET version_id = ?, last_updated = ?, last_updated_ms = ?, deleted = ?, resource = ?
       WHERE tenant = ? AND resource_type = ? AND id = ? AND version_id = ?`,
    );
    // IMMEDIATE takes the write lock before the version checks, so another process sharing the
    // file cannot slip a write between a check and the insert.
    this.selectGuard = this.db.prepare<[string, string], GuardRow>('SELECT holder, token, expires_at_ms FROM create_guard WHERE tenant = ? AND key = ?');
    this.upsertGuard = this.db.prepare(
      `INSERT INTO create_guard (tenant, key, holder, token, expires_at_ms) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (tenant, key) DO UPDATE SET holder = excluded.holder, token = excluded.token, expires_at_ms = excluded.expires_at_ms`,
    );
    const transaction = this.db.transaction((tenant: string, writes: readonly WriteOperation[], guards: readonly CreateGuard[]) => {
      for (const guard of guards) this.applyGuard(tenant, guard);
      for (const write of writes) this.applyWrite(tenant, write);
    });
    this.commitAll = (tenant, writes, guards) => transaction.immediate(tenant, writes, guards);
    // Group commit: commits that arrive in the same turn of the event loop share one SQLite
    // transaction, hence one fsync, while each keeps its own all-or-nothing: better-sqlite3 runs
    // a transaction function called inside another as a SAVEPOINT, rolled back on its own throw.
    const group = this.db.transaction((pending: readonly PendingCommit[], failures: unknown[]) => {
      for (const [i, item] of pending.entries()) {
        try {
          transaction(item.tenant, item.writes, item.guards);
        } catch (error) {
          failures[i] = error ?? new Error('commit failed');
          // SQLite rolls the whole transaction back on some errors (SQLITE_FULL, SQLITE_IOERR:
          // https://www.sqlite.org/lang_transaction.html#response_to_errors_within_a_transaction).
          // The rest of the group must then fail too: run on their own, they would commit
          // outside the group while the group as a whole reports failure.
          if (!this.db.inTransaction || isStorageFault(error)) throw error;
        }
      }
    });
    this.commitGroup = (pending, failures) => group.immediate(pending, failures);
  }

  /** The connection, for the SQLite search backend's queries (it must not write these tables). */
  get database(): Database {
    return this.db;
  }

  async read(tenant: string, resourceType: string, id: string): Promise<StoredVersion | undefined> {
    const row = this.selectCurrent.get(tenant, resourceType, id);
    return row ? toStoredVersion(row) : undefined;
  }

  async readMany(tenant: string, keys: readonly ResourceKey[]): Promise<(StoredVersion | undefined)[]> {
    const found: (StoredVersion | undefined)[] = keys.map(() => undefined);
    if (keys.length === 0) return found;
    const keysJson = JSON.stringify(keys.map((k) => [k.resourceType, k.id]));
    for (const row of this.selectMany.iterate(keysJson, tenant)) found[row.position] = toStoredVersion(row);
    return found;
  }

  async vread(tenant: string, resourceType: string, id: string, versionId: string): Promise<StoredVersion | undefined> {
    const row = this.selectVersion.get(tenant, resourceType, id, versionId);
    return row ? toStoredVersion(row) : undefined;
  }

  async history(tenant: string, query: HistoryQuery): Promise<HistoryPage> {
    return this.historyQueries.run(tenant, query);
  }

  /**
   * All writes in one IMMEDIATE transaction; a VersionConflictError rolls back every one of them.
   * Concurrent commits are grouped into one durable SQLite commit (see the constructor); the
   * promise settles only after that commit, so an acknowledged write is on disk.
   */
  commit(tenant: string, writes: readonly WriteOperation[], options: CommitOptions = {}): Promise<void> {
    if (writes.length === 0) return Promise.resolve();
    const guards = options.guards ?? [];
    return new Promise((resolve, reject) => {
      this.pending.push({ tenant, writes, guards, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.flushScheduled = false;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    if (batch.length === 1) {
      const [only] = batch as [PendingCommit];
      try {
        this.commitAll(only.tenant, only.writes, only.guards);
        only.resolve();
      } catch (error) {
        only.reject(translateStorageError(error));
      }
      return;
    }
    const failures: unknown[] = [];
    try {
      this.commitGroup(batch, failures);
    } catch (error) {
      // Nothing of the group was committed.
      const cause = translateStorageError(error);
      for (const item of batch) item.reject(cause);
      return;
    }
    batch.forEach((item, i) => (failures[i] === undefined ? item.resolve() : item.reject(failures[i])));
  }

  async close(): Promise<void> {
    if (!this.db.open) return;
    this.flush();
    // Keeps planner statistics fresh at a bounded cost (https://www.sqlite.org/lang_analyze.html).
    this.db.pragma('analysis_limit = 400');
    this.db.pragma('optimize');
    this.db.close();
  }

  async readGuard(tenant: string, key: string): Promise<GuardClaim | undefined> {
    const row = this.selectGuard.get(tenant, key);
    return row ? { holder: row.holder, token: row.token, expiresAtMs: row.expires_at_ms } : undefined;
  }

  /** Compare-and-set of a conditional create's claim, inside the commit's transaction. */
  private applyGuard(tenant: string, guard: CreateGuard): void {
    const stored = this.selectGuard.get(tenant, guard.key);
    if (stored?.token !== guard.expected?.token) {
      throw new VersionConflictError('Another create with the same conditional criteria committed first', undefined);
    }
    this.upsertGuard.run(tenant, guard.key, guard.claim.holder, guard.claim.token, guard.claim.expiresAtMs);
  }

  private applyWrite(tenant: string, write: WriteOperation): void {
    const { resourceType, id } = write;
    const deleted = write.resource === undefined;
    const lastUpdatedMs = instantToMs(write.lastUpdated);
    const json = deleted ? null : JSON.stringify(write.resource);
    const row: VersionParams = [tenant, resourceType, id, write.versionId, write.lastUpdated, lastUpdatedMs, deleted ? 1 : 0, json];
    // The version check is the write itself: the current row changes only if it is the expected
    // one (expectedVersionId null: only if no row exists; a tombstone counts as existing,
    // core/ports/resource-store.ts). One statement instead of a select and a write.
    const changed =
      write.expectedVersionId === null
        ? this.insertCurrent.run(...row).changes
        : this.updateCurrent.run(write.versionId, write.lastUpdated, lastUpdatedMs, deleted ? 1 : 0, json, tenant, resourceType, id, write.expectedVersionId)
            .changes;
    if (changed !== 1) throw this.conflict(tenant, write);
    this.insertVersion.run(...row);
    if (!this.indexWriter) return;
    if (deleted) this.indexWriter.remove(this.db, tenant, resourceType, id);
    else this.indexWriter.write(this.db, tenant, resourceType, id, write.index);
  }

  private conflict(tenant: string, write: WriteOperation): VersionConflictError {
    const current = this.selectCurrentVersionId.get(tenant, write.resourceType, write.id);
    const expected = write.expectedVersionId === null ? 'no version' : `version ${write.expectedVersionId}`;
    const found = current === undefined ? 'none' : `version ${current}`;
    return new VersionConflictError(`${write.resourceType}/${write.id}: expected ${expected}, found ${found}`, current);
  }
}
