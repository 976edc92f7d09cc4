// A page of a search sorted on one key, read in index order instead of sorting every match:
// the sort parameter's index is walked in (value, rid) order over a bounded window, each row
// kept only where it is its resource's first value in that order (its MIN ascending, MAX
// descending: the sort value of search.html#sort for repeating elements) and the resource
// passes the conditions. Order and cursors are those of the full sort in sqlite-search-index.ts,
// so either may serve any page; the caller falls back to the full sort when the window does not
// fill the page (sparse matches, or resources without a value, which sort last).
import type { Database } from 'better-sqlite3';
import type { SearchQuery, SortKey } from '../../core/search/ast';
import { paramKey } from './sqlite-search-schema';
import { allRows, join, scalar, sql, type Sql, type SqlValue } from './sqlite-search-sql';

/** Index rows read before giving up on the walk. */
const WINDOW = 4000;

/** Tables whose value index is (pk, column, rid) in the sort column's order. */
const WALKABLE: Readonly<Record<string, { table: string; asc: string; desc: string }>> = {
  string: { table: 'sp_string', asc: 'norm', desc: 'norm' },
  token: { table: 'sp_token', asc: 'code', desc: 'code' },
  date: { table: 'sp_date', asc: 'low', desc: 'high' },
  uri: { table: 'sp_uri', asc: 'value', desc: 'value' },
};

/** A result row: resource row id, type, id and the sort values s0, s1, ... */
export interface SortedRow {
  readonly rid: number;
  readonly rtype: string;
  readonly id: string;
  readonly [column: string]: unknown;
}

export interface WalkRow extends SortedRow {
  readonly s0: SqlValue;
}

/** Whether a sorted page may be read by walking (one key, one type, a walkable type, forward). */
export function canWalkSort(query: SearchQuery, cursorValue: SqlValue | undefined, backward: boolean): boolean {
  const key = query.sort[0];
  if (query.sort.length !== 1 || key === undefined || query.resourceTypes.length !== 1 || backward) return false;
  // A cursor on the NULL stand-in is in the tail of resources without a value: full sort only.
  if (cursorValue !== undefined && (typeof cursorValue === 'number' ? cursorValue <= -1e307 : Buffer.isBuffer(cursorValue))) return false;
  return WALKABLE[key.type] !== undefined;
}

/** The page (limit rows) or undefined when the window ran out first. `where` is on `sp_resource r`. */
export function walkSort(db: Database, tenant: string, query: SearchQuery, key: SortKey, where: Sql, limit: number, cursor: { value: SqlValue; rid: number } | undefined): WalkRow[] | undefined {
  const spec = WALKABLE[key.type];
  const type = query.resourceTypes[0];
  if (spec === undefined || type === undefined) return undefined;
  const column = key.descending ? spec.desc : spec.asc;
  const dir = key.descending ? 'DESC' : 'ASC';
  const cmp = key.descending ? '<' : '>';
  const pk = paramKey(tenant, type, key.param);
  const seek = cursor ? sql(` AND (w.${column}, w.rid) ${cmp} (?, ?)`, cursor.value, cursor.rid) : sql('');
  const text = join([
    // NULL codes (text-only tokens) sort with the missing values, last: not walked.
    sql(`SELECT r.rid AS rid, r.rtype AS rtype, r.id AS id, v.${column} AS s0 FROM (SELECT w.rowid AS row, w.rid AS rid, w.${column} AS ${column} FROM ${spec.table} w WHERE w.pk = ? AND w.${column} IS NOT NULL`, pk),
    seek,
    sql(` ORDER BY w.${column} ${dir}, w.rid ${dir} LIMIT ?) v JOIN sp_resource r ON r.rid = v.rid`, WINDOW),
    // The resource's first row in walk order (ties on the value broken by row id).
    sql(` WHERE NOT EXISTS (SELECT 1 FROM ${spec.table} x INDEXED BY ${spec.table}_rid WHERE x.rid = v.rid AND x.pk = ? AND (x.${column} ${cmp === '>' ? '<' : '>'} v.${column} OR (x.${column} = v.${column} AND x.rowid < v.row))) AND `, pk),
    where,
    sql(` ORDER BY v.${column} ${dir}, v.rid ${dir} LIMIT ?`, limit),
  ], '');
  const rows = allRows<WalkRow>(db, text);
  if (rows.length === limit) return rows;
  // The window may simply have been the rest of the index; only a full page is trusted.
  return undefined;
}

/** Groups tried for one page before giving up (sparse matches): the full sort takes over. */
const MAX_GROUPS = 50;

function isStandIn(value: SqlValue): boolean {
  return typeof value === 'number' ? value <= -1e307 : Buffer.isBuffer(value);
}

/**
 * A page sorted on several keys, assembled one group of equal first-key values at a time in the
 * first key's index order: only a group's resources are sorted on the other keys (`sortGroup`
 * runs the full sort restricted to `group`, a condition on `sp_resource r`). Undefined when the
 * page cannot be completed this way (the tail of resources without a first-key value, or too
 * many empty groups): the caller then sorts everything.
 */
export function walkSortGroups(
  db: Database, tenant: string, query: SearchQuery, key: SortKey, limit: number, cursorValue: SqlValue | undefined,
  sortGroup: (group: Sql, fromCursor: boolean, rest: number) => readonly SortedRow[],
): SortedRow[] | undefined {
  const spec = WALKABLE[key.type];
  const type = query.resourceTypes[0];
  if (spec === undefined || type === undefined || query.resourceTypes.length !== 1) return undefined;
  if (cursorValue !== undefined && isStandIn(cursorValue)) return undefined;
  const column = key.descending ? spec.desc : spec.asc;
  const pk = paramKey(tenant, type, key.param);
  const [edge, beyond] = key.descending ? ['MAX', '<'] : ['MIN', '>'];
  const nextValue = (after: SqlValue | undefined): SqlValue | undefined => {
    const text = `SELECT ${edge}(${column}) FROM ${spec.table} WHERE pk = ?${after === undefined ? '' : ` AND ${column} ${beyond} ?`}`;
    const found = scalar(db, sql(text, ...(after === undefined ? [pk] : [pk, after])));
    return found === null ? undefined : found;
  };
  const rows: SortedRow[] = [];
  let value = cursorValue ?? nextValue(undefined);
  for (let n = 0; n < MAX_GROUPS && value !== undefined; n += 1) {
    // The resources whose sort value (MIN ascending, MAX descending) is this group's value.
    const group = sql(
      `r.rid IN (SELECT g.rid FROM ${spec.table} g WHERE g.pk = ? AND g.${column} = ?) AND NOT EXISTS (SELECT 1 FROM ${spec.table} x INDEXED BY ${spec.table}_rid WHERE x.rid = r.rid AND x.pk = ? AND x.${column} ${beyond === '>' ? '<' : '>'} ?)`,
      pk, value, pk, value,
    );
    rows.push(...sortGroup(group, n === 0 && cursorValue !== undefined, limit - rows.length));
    if (rows.length >= limit) return rows.slice(0, limit);
    value = nextValue(value);
  }
  return undefined;
}
