// The seam between the embedded resource store and the SQLite search backend. The store owns
// the version tables and the transaction; the search backend owns the index tables and the
// search SQL. The store calls the writer inside the commit's transaction, so a search issued
// right after an acknowledged write sees it and a failed commit leaves no index rows
// (DESIGN.md: Search, shared between backends; issue 2, "Embedded store").
import type { Database } from 'better-sqlite3';
import type { IndexEntry } from '../../core/search/index-entry';

export interface SqliteIndexWriter {
  /** Creates the index tables (idempotent); called once when the store opens. */
  migrate(db: Database): void;
  /** Replaces the index rows of one resource; called inside the commit's transaction. */
  write(db: Database, tenant: string, resourceType: string, id: string, entries: readonly IndexEntry[]): void;
  /** Removes the index rows of one resource (delete tombstone); called inside the commit's transaction. */
  remove(db: Database, tenant: string, resourceType: string, id: string): void;
}
