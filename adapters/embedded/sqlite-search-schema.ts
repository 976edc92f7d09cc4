// Index tables of the embedded search backend (issue 3). One table per parameter type, keyed by
// a resource row id (rid) and a parameter key (pk). The pk is a 52-bit hash of tenant, resource
// type and parameter code: no lookup table, no cache to invalidate when a transaction rolls back,
// and every index starts with it, so a search on one parameter of one type in one tenant is a
// range scan of one index; the (rid, pk, value) indexes serve per-row probes and sort keys
// without touching the table. Composite parameters store each component in its type's table under
// `<code>.<n>`, rows of one composite value sharing `grp` (0 for plain values).
import { createHash } from 'node:crypto';
import type { Database } from 'better-sqlite3';

/** Bump on any change below: migrateSearchSchema then rebuilds the index from the stored resources. */
export const SEARCH_SCHEMA_VERSION = 5;

const ddl = `
-- One row per current (not deleted) resource. rid orders results by default: it grows with
-- every first write and stays put on update, so keyset pages are stable under inserts.
CREATE TABLE IF NOT EXISTS sp_resource (
  rid    INTEGER PRIMARY KEY,
  tenant TEXT NOT NULL,
  rtype  TEXT NOT NULL,
  id     TEXT NOT NULL,
  UNIQUE (tenant, rtype, id)
);
-- Walks one type of one tenant in rid order (the rowid ends every index entry).
CREATE INDEX IF NOT EXISTS sp_resource_type ON sp_resource (tenant, rtype);
CREATE TABLE IF NOT EXISTS sp_token (
  rid INTEGER NOT NULL, pk INTEGER NOT NULL, grp INTEGER NOT NULL,
  system TEXT, code TEXT, text TEXT
);
CREATE INDEX IF NOT EXISTS sp_token_code ON sp_token (pk, code, rid, system);
CREATE INDEX IF NOT EXISTS sp_token_rid ON sp_token (rid, pk, code, system);
-- :text reads only this (a scan of one parameter's texts, no table lookups).
CREATE INDEX IF NOT EXISTS sp_token_text ON sp_token (pk, text, rid) WHERE text IS NOT NULL;
CREATE TABLE IF NOT EXISTS sp_string (
  rid INTEGER NOT NULL, pk INTEGER NOT NULL, grp INTEGER NOT NULL,
  norm TEXT NOT NULL, exact TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS sp_string_norm ON sp_string (pk, norm, rid);
CREATE INDEX IF NOT EXISTS sp_string_rid ON sp_string (rid, pk, norm);
-- wide = 1 when the range is longer than a day (Periods, years); multi = 1 when the resource
-- has several values for the parameter. Together they let sqlite-search-plan.ts answer a
-- ge/lt pair on one parameter from a narrow slice of sp_date_low instead of half the table.
CREATE TABLE IF NOT EXISTS sp_date (
  rid INTEGER NOT NULL, pk INTEGER NOT NULL, grp INTEGER NOT NULL,
  low INTEGER NOT NULL, high INTEGER NOT NULL, wide INTEGER NOT NULL, multi INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS sp_date_low ON sp_date (pk, low, rid, high, wide);
CREATE INDEX IF NOT EXISTS sp_date_wide ON sp_date (pk, low, high) WHERE wide = 1;
CREATE INDEX IF NOT EXISTS sp_date_high ON sp_date (pk, high, rid, low);
CREATE INDEX IF NOT EXISTS sp_date_multi ON sp_date (pk, rid) WHERE multi = 1;
CREATE INDEX IF NOT EXISTS sp_date_rid ON sp_date (rid, pk, low, high);
CREATE TABLE IF NOT EXISTS sp_number (
  rid INTEGER NOT NULL, pk INTEGER NOT NULL, grp INTEGER NOT NULL,
  value REAL NOT NULL, low REAL NOT NULL, high REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS sp_number_low ON sp_number (pk, low, high, rid);
CREATE INDEX IF NOT EXISTS sp_number_rid ON sp_number (rid, pk, value);
CREATE TABLE IF NOT EXISTS sp_quantity (
  rid INTEGER NOT NULL, pk INTEGER NOT NULL, grp INTEGER NOT NULL,
  value REAL NOT NULL, low REAL NOT NULL, high REAL NOT NULL, system TEXT, code TEXT, unit TEXT
);
CREATE INDEX IF NOT EXISTS sp_quantity_low ON sp_quantity (pk, low, high, rid);
CREATE INDEX IF NOT EXISTS sp_quantity_rid ON sp_quantity (rid, pk, value);
CREATE TABLE IF NOT EXISTS sp_reference (
  rid INTEGER NOT NULL, pk INTEGER NOT NULL, grp INTEGER NOT NULL,
  target_type TEXT, target_id TEXT, version TEXT, url TEXT, ident_system TEXT, ident_value TEXT
);
CREATE INDEX IF NOT EXISTS sp_reference_target ON sp_reference (pk, target_id, target_type, rid);
CREATE INDEX IF NOT EXISTS sp_reference_url ON sp_reference (pk, url) WHERE url IS NOT NULL;
CREATE INDEX IF NOT EXISTS sp_reference_ident ON sp_reference (pk, ident_value) WHERE ident_value IS NOT NULL;
CREATE INDEX IF NOT EXISTS sp_reference_rid ON sp_reference (rid, pk, target_type, target_id);
CREATE TABLE IF NOT EXISTS sp_uri (
  rid INTEGER NOT NULL, pk INTEGER NOT NULL, grp INTEGER NOT NULL,
  value TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS sp_uri_value ON sp_uri (pk, value, rid);
CREATE INDEX IF NOT EXISTS sp_uri_rid ON sp_uri (rid, pk, value);
-- _text (narrative) and _content (all text): https://hl7.org/fhir/R4/search.html#text.
CREATE VIRTUAL TABLE IF NOT EXISTS sp_fts USING fts5(narrative, content, tokenize = 'unicode61 remove_diacritics 2');
`;

/** Ranges up to this long count as narrow (sp_date.wide = 0): every dateTime to the day. */
export const NARROW_MS = 86400000;

export const VALUE_TABLES = ['sp_token', 'sp_string', 'sp_date', 'sp_number', 'sp_quantity', 'sp_reference', 'sp_uri'] as const;

const DROP = ['sp_fts', 'sp_resource', ...VALUE_TABLES].map((t) => `DROP TABLE IF EXISTS ${t};`).join('\n');

/**
 * Creates the index tables. Returns true when they were (re)created empty over an index of
 * another schema version, so that the caller re-extracts every stored resource.
 */
export function migrateSearchSchema(db: Database): boolean {
  db.exec('CREATE TABLE IF NOT EXISTS sp_meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL)');
  const found = db.prepare<[], number>("SELECT value FROM sp_meta WHERE key = 'schema_version'").pluck().get();
  const hadIndex = db.prepare<[], number>("SELECT COUNT(*) FROM sqlite_master WHERE name = 'sp_resource'").pluck().get() === 1;
  const stale = found !== SEARCH_SCHEMA_VERSION && (found !== undefined || hadIndex);
  if (stale) db.exec(DROP);
  db.exec(ddl);
  db.prepare("INSERT INTO sp_meta (key, value) VALUES ('schema_version', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value").run(SEARCH_SCHEMA_VERSION);
  return stale;
}

const keyCache = new Map<string, number>();

/** The parameter key of (tenant, resource type, parameter code). */
export function paramKey(tenant: string, resourceType: string, param: string): number {
  const text = `${tenant}\u0000${resourceType}\u0000${param}`;
  let key = keyCache.get(text);
  if (key === undefined) {
    key = parseInt(createHash('sha1').update(text).digest('hex').slice(0, 13), 16);
    if (keyCache.size > 100000) keyCache.clear();
    keyCache.set(text, key);
  }
  return key;
}
