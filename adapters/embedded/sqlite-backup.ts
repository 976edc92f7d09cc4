// Online backup and restore of an embedded data directory (issue 16, "npm run backup / restore").
// A backup is ONE SQLite file: the database copied with SQLite's online backup API
// (https://www.sqlite.org/backup.html) while the server keeps writing, plus the bytes of every
// Binary version that snapshot holds, in a table of their own. Binary content is written before
// the commit that references it and never changed afterwards (filesystem-binary-store.ts), so
// every Binary version in the snapshot has its bytes on disk when the backup reads them.
import { existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type { BinaryStore } from '../../core/ports/binary-store';

/** Bumped when the backup file's own tables change shape. */
export const BACKUP_FORMAT = 1;

export interface BackupResult {
  readonly file: string;
  readonly bytes: number;
  readonly versions: number;
  readonly binaries: number;
}

export interface BackupOptions {
  /** The server's database file (`<data dir>/fhir.sqlite`). */
  readonly database: string;
  readonly binaries: BinaryStore;
  readonly binaryKey: (id: string, versionId: string) => string;
  /** Pages copied per step of the backup API; each step is consistent, a writer in between restarts it. */
  readonly pagesPerStep?: number;
}

const backupDdl = `
CREATE TABLE backup_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE backup_binary (tenant TEXT NOT NULL, key TEXT NOT NULL, content_type TEXT NOT NULL, bytes BLOB NOT NULL, PRIMARY KEY (tenant, key));
`;

/**
 * Writes a consistent backup of a live database to `file` (atomically: a temporary file renamed
 * into place at the end, so a failed backup never leaves a half file under the final name).
 */
export async function backupDataDirectory(file: string, options: BackupOptions): Promise<BackupResult> {
  if (!existsSync(options.database)) throw new Error(`No database at ${options.database}`);
  const temporary = `${file}.partial`;
  rmSync(temporary, { force: true });
  const source = new BetterSqlite3(options.database, { readonly: true, fileMustExist: true });
  try {
    // After the first step the rest goes in one step: a writer that commits between two steps
    // makes SQLite restart the copy, and one large step cannot be interrupted again.
    await source.backup(temporary, { progress: () => options.pagesPerStep ?? 1_000_000_000 });
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  } finally {
    source.close();
  }
  const target = new BetterSqlite3(temporary);
  let versions = 0;
  let binaries = 0;
  try {
    target.pragma('journal_mode = DELETE');
    target.exec(backupDdl);
    const meta = target.prepare<[string, string]>('INSERT INTO backup_meta (key, value) VALUES (?, ?)');
    meta.run('format', String(BACKUP_FORMAT));
    meta.run('created', new Date().toISOString());
    versions = target.prepare<[], number>('SELECT COUNT(*) FROM resource_version').pluck().get() ?? 0;
    const binaryVersions = target
      .prepare<[], { tenant: string; id: string; version_id: string }>("SELECT tenant, id, version_id FROM resource_version WHERE resource_type = 'Binary' AND deleted = 0")
      .all();
    const insert = target.prepare<[string, string, string, Uint8Array]>('INSERT INTO backup_binary (tenant, key, content_type, bytes) VALUES (?, ?, ?, ?)');
    for (const row of binaryVersions) {
      const key = options.binaryKey(row.id, row.version_id);
      const content = await options.binaries.get(row.tenant, key);
      // A version whose bytes are missing is reported by `npm run check`; the backup keeps what there is.
      if (content === undefined) continue;
      insert.run(row.tenant, key, content.contentType, content.bytes);
      binaries += 1;
    }
    const ok = target.pragma('integrity_check', { simple: true });
    if (ok !== 'ok') throw new Error(`The backup failed SQLite's integrity check: ${String(ok)}`);
  } catch (error) {
    target.close();
    rmSync(temporary, { force: true });
    throw error;
  }
  target.close();
  renameSync(temporary, file);
  return { file, bytes: statSync(file).size, versions, binaries };
}

export interface RestoreOptions {
  /** The data directory to restore into. */
  readonly dataDir: string;
  readonly binaries: BinaryStore;
  /** Replace an existing database (the server must be stopped). */
  readonly force?: boolean;
}

export interface RestoreResult {
  readonly versions: number;
  readonly binaries: number;
}

/** Restores a backup file into a data directory; refuses to overwrite a database unless `force`. */
export async function restoreDataDirectory(file: string, options: RestoreOptions): Promise<RestoreResult> {
  const database = join(options.dataDir, 'fhir.sqlite');
  if (existsSync(database) && !options.force) {
    throw new Error(`${database} exists; stop the server and pass --force to replace it`);
  }
  const check = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
  try {
    const format = (() => {
      try {
        return check.prepare<[], string>("SELECT value FROM backup_meta WHERE key = 'format'").pluck().get();
      } catch {
        return undefined;
      }
    })();
    if (format !== String(BACKUP_FORMAT)) throw new Error(`${file} is not a backup made by npm run backup (format ${BACKUP_FORMAT})`);
    const ok = check.pragma('integrity_check', { simple: true });
    if (ok !== 'ok') throw new Error(`${file} failed SQLite's integrity check: ${String(ok)}`);
  } finally {
    check.close();
  }
  mkdirSync(options.dataDir, { recursive: true });
  const temporary = `${database}.restoring`;
  rmSync(temporary, { force: true });
  const source = new BetterSqlite3(file, { readonly: true });
  await source.backup(temporary);
  source.close();
  const db = new BetterSqlite3(temporary);
  let binaries = 0;
  let versions = 0;
  try {
    for (const row of db.prepare<[], { tenant: string; key: string; content_type: string; bytes: Buffer }>('SELECT tenant, key, content_type, bytes FROM backup_binary').iterate()) {
      await options.binaries.put(row.tenant, row.key, row.bytes, row.content_type);
      binaries += 1;
    }
    db.exec('DROP TABLE backup_binary; DROP TABLE backup_meta;');
    db.exec('VACUUM');
    versions = db.prepare<[], number>('SELECT COUNT(*) FROM resource_version').pluck().get() ?? 0;
    db.pragma('journal_mode = WAL');
  } finally {
    db.close();
  }
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${database}${suffix}`, { force: true });
  renameSync(temporary, database);
  return { versions, binaries };
}
