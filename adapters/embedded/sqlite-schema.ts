// Tables and connection settings of the embedded resource store (issue 2, "Embedded store").
// The search backend reads `resource_current` (the current version of every resource) and keeps
// its own index tables through SqliteIndexWriter; it does not write these tables.
import type { Database } from 'better-sqlite3';

/** Bumped when the tables below change shape; a newer file is refused rather than misread. */
export const SCHEMA_VERSION = 1;

/**
 * How hard a commit waits for the disk (https://www.sqlite.org/pragma.html#pragma_synchronous).
 * - `FULL` (default): in WAL mode the WAL is fsynced at every commit, so an acknowledged write
 *   survives a process kill and also an OS crash or power loss. About 6k single-write
 *   commits/s on the development machine (one fsync per commit).
 * - `NORMAL`: the WAL is written (to the OS page cache) at every commit but fsynced only at
 *   checkpoints. An acknowledged write survives `kill -9` of the process, since the kernel
 *   still holds the pages, but the last commits can be lost on power loss. About 12x faster
 *   for single-write commits.
 * A FHIR server is a system of record, so the default is the one that never loses an
 * acknowledged write.
 */
export type SqliteSynchronous = 'FULL' | 'NORMAL';

const ddl = `
-- Every version of every resource, tombstones included (http.html#history). seq is the commit
-- order; it is the rowid, so every index below ends with it implicitly, which gives the
-- (last_updated_ms, seq) keyset order of history-type and history-system for free.
CREATE TABLE IF NOT EXISTS resource_version (
  seq             INTEGER PRIMARY KEY,
  tenant          TEXT    NOT NULL,
  resource_type   TEXT    NOT NULL,
  id              TEXT    NOT NULL,
  version_id      TEXT    NOT NULL,
  last_updated    TEXT    NOT NULL,
  last_updated_ms INTEGER NOT NULL,
  deleted         INTEGER NOT NULL CHECK (deleted IN (0, 1)),
  resource        TEXT
);
CREATE UNIQUE INDEX IF NOT EXISTS resource_version_instance
  ON resource_version (tenant, resource_type, id, version_id);
CREATE INDEX IF NOT EXISTS resource_version_type
  ON resource_version (tenant, resource_type, last_updated_ms);
CREATE INDEX IF NOT EXISTS resource_version_system
  ON resource_version (tenant, last_updated_ms);

-- The current version of every resource ever written (deleted = 1 for a tombstone, whose
-- resource is NULL). Read, readMany and the version check of a commit use its primary key.
CREATE TABLE IF NOT EXISTS resource_current (
  tenant          TEXT    NOT NULL,
  resource_type   TEXT    NOT NULL,
  id              TEXT    NOT NULL,
  version_id      TEXT    NOT NULL,
  last_updated    TEXT    NOT NULL,
  last_updated_ms INTEGER NOT NULL,
  deleted         INTEGER NOT NULL CHECK (deleted IN (0, 1)),
  resource        TEXT,
  PRIMARY KEY (tenant, resource_type, id)
);

-- Conditional creates' claims on their criteria (core/interactions/create-guard.ts), written in
-- the same transaction as the create so that two processes sharing the file cannot both create.
CREATE TABLE IF NOT EXISTS create_guard (
  tenant        TEXT    NOT NULL,
  key           TEXT    NOT NULL,
  holder        TEXT    NOT NULL,
  token         TEXT    NOT NULL,
  expires_at_ms INTEGER NOT NULL,
  PRIMARY KEY (tenant, key)
);
`;

/** Connection settings; WAL does not apply to ':memory:' databases, which SQLite keeps as they are. */
export function configureConnection(db: Database, synchronous: SqliteSynchronous): void {
  if (!db.memory) db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${synchronous}`);
  // Keeps the WAL from staying at its high-water mark after a large commit.
  db.pragma('journal_size_limit = 67108864');
  db.pragma('cache_size = -32768');
  db.pragma('temp_store = MEMORY');
}

/** Creates the store's tables (idempotent) and stamps the schema version. */
export function migrateStoreSchema(db: Database): void {
  const found = db.pragma('user_version', { simple: true });
  if (typeof found === 'number' && found > SCHEMA_VERSION) {
    throw new Error(`The database schema version ${found} is newer than this server understands (${SCHEMA_VERSION})`);
  }
  db.exec(ddl);
  db.pragma(`user_version = ${SCHEMA_VERSION}`);
}
