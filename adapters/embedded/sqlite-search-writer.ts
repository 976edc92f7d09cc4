// The SqliteIndexWriter of the embedded search backend: replaces a resource's index rows inside
// the store's commit transaction, so a search right after an acknowledged write sees it
// (issue 3, "Indexing happens in the same transaction as the write").
import type { Database, Statement } from 'better-sqlite3';
import type { Resource } from '../../core/fhir-types';
import { extractIndexEntries } from '../../core/search/extract';
import { normalizeString } from '../../core/search/normalize';
import type { IndexEntry } from '../../core/search/index-entry';
import type { SqliteIndexWriter } from './sqlite-index-writer';
import { migrateSearchSchema, NARROW_MS, paramKey, VALUE_TABLES } from './sqlite-search-schema';

type Value = string | number | null;

interface Statements {
  readonly selectRid: Statement<[string, string, string], number>;
  readonly insertResource: Statement<[string, string, string]>;
  readonly deleteResource: Statement<[number]>;
  readonly deleteRows: readonly Statement<[number]>[];
  readonly deleteFts: Statement<[number]>;
  readonly insertFts: Statement<[number, string, string]>;
  readonly insert: Readonly<Record<string, Statement<Value[]>>>;
}

const statements = new WeakMap<Database, Statements>();

function prepare(db: Database): Statements {
  let s = statements.get(db);
  if (s === undefined) {
    const insert = (table: string, columns: string[]): Statement<Value[]> =>
      db.prepare<Value[]>(`INSERT INTO ${table} (rid, pk, grp, ${columns.join(', ')}) VALUES (?, ?, ?, ${columns.map(() => '?').join(', ')})`);
    s = {
      selectRid: db.prepare<[string, string, string], number>('SELECT rid FROM sp_resource WHERE tenant = ? AND rtype = ? AND id = ?').pluck(),
      insertResource: db.prepare<[string, string, string]>('INSERT INTO sp_resource (tenant, rtype, id) VALUES (?, ?, ?)'),
      deleteResource: db.prepare<[number]>('DELETE FROM sp_resource WHERE rid = ?'),
      deleteRows: VALUE_TABLES.map((t) => db.prepare<[number]>(`DELETE FROM ${t} WHERE rid = ?`)),
      deleteFts: db.prepare<[number]>('DELETE FROM sp_fts WHERE rowid = ?'),
      insertFts: db.prepare<[number, string, string]>('INSERT INTO sp_fts (rowid, narrative, content) VALUES (?, ?, ?)'),
      insert: {
        token: insert('sp_token', ['system', 'code', 'text']),
        string: insert('sp_string', ['norm', 'exact']),
        date: insert('sp_date', ['low', 'high', 'wide', 'multi']),
        number: insert('sp_number', ['value', 'low', 'high']),
        quantity: insert('sp_quantity', ['value', 'low', 'high', 'system', 'code', 'unit']),
        reference: insert('sp_reference', ['target_type', 'target_id', 'version', 'url', 'ident_system', 'ident_value']),
        uri: insert('sp_uri', ['value']),
      },
    };
    statements.set(db, s);
  }
  return s;
}

function clearRows(s: Statements, rid: number): void {
  for (const del of s.deleteRows) del.run(rid);
  s.deleteFts.run(rid);
}

function columnsOf(entry: IndexEntry, multi: boolean): Value[] | undefined {
  switch (entry.type) {
    // :text compares normalized text (case- and accent-insensitive, like string search).
    case 'token': return [entry.system, entry.code, entry.text === null ? null : normalizeString(entry.text)];
    case 'string': return [entry.value, entry.exact];
    case 'date': return [entry.start, entry.end, entry.end - entry.start >= NARROW_MS ? 1 : 0, multi ? 1 : 0];
    case 'number': return [entry.value, entry.low, entry.high];
    case 'quantity': return [entry.value, entry.low, entry.high, entry.system, entry.code, entry.unit];
    case 'reference': return [entry.targetType, entry.targetId, entry.version, entry.url, entry.identifierSystem, entry.identifierValue];
    case 'uri': return [entry.value];
    default: return undefined;
  }
}

function insertValue(s: Statements, rid: number, pk: number, grp: number, entry: IndexEntry, multi: boolean): void {
  const columns = columnsOf(entry, multi);
  const stmt = s.insert[entry.type];
  if (columns !== undefined && stmt !== undefined) stmt.run(rid, pk, grp, ...columns);
}

/**
 * Re-extracts the index of every current resource, after the index tables changed schema: a data
 * directory written by an older version keeps working (the store's resource_current table,
 * adapters/embedded/sqlite-schema.ts, is the source).
 */
function reindexAll(db: Database): void {
  const hasStore = db.prepare<[], number>("SELECT COUNT(*) FROM sqlite_master WHERE name = 'resource_current'").pluck().get() === 1;
  if (!hasStore) return;
  const rows = db.prepare<[], { tenant: string; resource_type: string; id: string; resource: string }>(
    'SELECT tenant, resource_type, id, resource FROM resource_current WHERE deleted = 0 AND resource IS NOT NULL',
  );
  db.transaction(() => {
    for (const row of rows.all()) {
      const resource = JSON.parse(row.resource) as Resource;
      sqliteSearchIndexWriter.write(db, row.tenant, row.resource_type, row.id, extractIndexEntries(resource));
    }
  })();
}

export const sqliteSearchIndexWriter: SqliteIndexWriter = {
  migrate(db: Database): void {
    const rebuild = migrateSearchSchema(db);
    if (rebuild) reindexAll(db);
  },

  write(db: Database, tenant: string, resourceType: string, id: string, entries: readonly IndexEntry[]): void {
    const s = prepare(db);
    let rid = s.selectRid.get(tenant, resourceType, id);
    if (rid === undefined) rid = Number(s.insertResource.run(tenant, resourceType, id).lastInsertRowid);
    else clearRows(s, rid);
    // Date parameters with several values on this resource (sp_date.multi).
    const dateCounts = new Map<string, number>();
    for (const entry of entries) {
      if (entry.type === 'date') dateCounts.set(entry.param, (dateCounts.get(entry.param) ?? 0) + 1);
      else if (entry.type === 'composite') entry.components.forEach((c, n) => { if (c.type === 'date') dateCounts.set(`${entry.param}.${n}`, (dateCounts.get(`${entry.param}.${n}`) ?? 0) + 1); });
    }
    const multi = (param: string): boolean => (dateCounts.get(param) ?? 0) > 1;
    let grp = 0;
    let narrative = '';
    let content = '';
    for (const entry of entries) {
      if (entry.type === 'composite') {
        grp += 1;
        entry.components.forEach((component, n) => insertValue(s, rid, paramKey(tenant, resourceType, `${entry.param}.${n}`), grp, component, multi(`${entry.param}.${n}`)));
      } else if (entry.type === 'text') {
        if (entry.param === '_text') narrative = entry.value;
        else content = entry.value;
      } else {
        insertValue(s, rid, paramKey(tenant, resourceType, entry.param), 0, entry, multi(entry.param));
      }
    }
    if (narrative !== '' || content !== '') s.insertFts.run(rid, narrative, content);
  },

  remove(db: Database, tenant: string, resourceType: string, id: string): void {
    const s = prepare(db);
    const rid = s.selectRid.get(tenant, resourceType, id);
    if (rid === undefined) return;
    clearRows(s, rid);
    s.deleteResource.run(rid);
  },
};
