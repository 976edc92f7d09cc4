// The embedded SearchIndex (core/ports/search-index.ts) on the tables written by
// sqlite-search-writer.ts. Paging is keyset (seek) paging on (sort values..., rid), so a page
// never repeats or skips a row when resources are added between pages (issue 3, "stable
// cursors"); tenant and scope (SearchRestriction) are conditions of the same SQL, applied
// before paging and to includes alike.
import type { Database } from 'better-sqlite3';
import { FhirError } from '../../core/errors/fhir-error';
import type { SearchIndex, SearchPage } from '../../core/ports/search-index';
import type { SearchQuery, SortKey } from '../../core/search/ast';
import type { SearchParameterRegistry } from '../../core/search/parameters';
import { planSearch, WALK_ROWS, type Plan } from './sqlite-search-plan';
import { canWalkSort, walkSort, walkSortGroups } from './sqlite-search-sort-walk';
import { allRows, join, pkMatch, scalar, sql, tableOf, type Sql, type SqlValue } from './sqlite-search-sql';
import { SqliteIncludes } from './sqlite-search-include';

export interface Row {
  readonly rid: number;
  readonly rtype: string;
  readonly id: string;
  readonly [sortColumn: string]: unknown;
}

interface Cursor {
  /** Sort values of the row the page starts after (forward) or before (backward). */
  readonly values: readonly SqlValue[];
  readonly rid: number;
  readonly backward: boolean;
}

/** A NULL sort value sorts last in both directions; these stand-ins make that a plain comparison. */
const NULL_LAST_ASC = "X'FF'";
const NULL_LAST_DESC = '-1e308';

function encodeCursor(cursor: Cursor): string {
  const values = cursor.values.map((v) => (Buffer.isBuffer(v) ? { blob: true } : v));
  return Buffer.from(JSON.stringify({ v: values, r: cursor.rid, b: cursor.backward ? 1 : 0 })).toString('base64url');
}

function decodeCursor(text: string): Cursor {
  try {
    const raw = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as unknown;
    if (typeof raw !== 'object' || raw === null || !('v' in raw) || !('r' in raw) || !Array.isArray(raw.v) || typeof raw.r !== 'number') throw new Error('shape');
    const values = (raw.v as unknown[]).map((v): SqlValue => {
      if (typeof v === 'string' || typeof v === 'number' || v === null) return v;
      return Buffer.from([0xff]); // the NULL_LAST_ASC stand-in
    });
    return { values, rid: raw.r, backward: 'b' in raw && raw.b === 1 };
  } catch {
    throw new FhirError('INVALID_SEARCH', 'The paging cursor is not valid; start the search again', { expression: ['_cursor'] });
  }
}

function sortColumn(key: SortKey): string {
  switch (key.type) {
    case 'string': return 'norm';
    case 'token': return 'code';
    case 'date': return key.descending ? 'high' : 'low';
    case 'reference': return "target_type || '/' || target_id";
    case 'uri': return 'value';
    default: return 'value';
  }
}

export interface SqliteSearchIndexOptions {
  /** Most resources added by _include/_revinclude to one page. */
  readonly maxIncludes?: number;
  /** The search parameters (R4 plus IG packages), for `_include=Type:*`. */
  readonly registry?: SearchParameterRegistry;
}

export class SqliteSearchIndex implements SearchIndex {
  private readonly includes: SqliteIncludes;

  constructor(private readonly db: Database, options: SqliteSearchIndexOptions = {}) {
    this.includes = new SqliteIncludes(db, options.maxIncludes ?? 1000, options.registry);
  }

  search(tenant: string, query: SearchQuery): Promise<SearchPage> {
    try {
      return Promise.resolve(this.run(tenant, query));
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  private run(tenant: string, query: SearchQuery): SearchPage {
    const plan = planSearch(this.db, tenant, query);
    const total = query.total === 'none' ? undefined : this.count(plan);
    if (query.count === 0) return { matches: [], included: [], ...(total !== undefined ? { total } : {}) };
    const cursor = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    if (cursor !== undefined && cursor.values.length !== query.sort.length) {
      throw new FhirError('INVALID_SEARCH', 'The paging cursor belongs to another search; start the search again', { expression: ['_cursor'] });
    }
    const rows = this.page(tenant, query, plan, cursor);
    const hasMore = rows.length > query.count;
    const page = rows.slice(0, query.count);
    if (cursor?.backward) page.reverse();
    const first = page[0];
    const last = page[page.length - 1];
    const sortValues = (row: Row): SqlValue[] => query.sort.map((_k, i) => row[`s${i}`] as SqlValue);
    // Forward: more rows follow when one extra came back; rows precede when we came from a cursor.
    const nextExists = cursor?.backward ? true : hasMore;
    const previousExists = cursor?.backward ? hasMore : cursor !== undefined;
    const included = this.includes.resolve(tenant, query, page);
    return {
      matches: page.map((row) => ({ resourceType: row.rtype, id: row.id })),
      included,
      ...(total !== undefined ? { total } : {}),
      ...(nextExists && last ? { nextCursor: encodeCursor({ values: sortValues(last), rid: last.rid, backward: false }) } : {}),
      ...(previousExists && first ? { previousCursor: encodeCursor({ values: sortValues(first), rid: first.rid, backward: true }) } : {}),
    };
  }

  private count(plan: Plan): number {
    if (plan.countExcluded) {
      const { all, rows } = plan.countExcluded;
      const size = Number(scalar(this.db, sql(`SELECT COUNT(*) FROM sp_resource r WHERE ${all.text}`, ...all.params)) ?? 0);
      const minus = Number(scalar(this.db, sql(`SELECT COUNT(DISTINCT rid) FROM (${rows.text})`, ...rows.params)) ?? 0);
      return size - minus;
    }
    if (plan.countRows) {
      return Number(scalar(this.db, sql(`SELECT COUNT(DISTINCT rid) FROM (${plan.countRows.text})`, ...plan.countRows.params)) ?? 0);
    }
    return Number(scalar(this.db, sql(`SELECT COUNT(*) FROM sp_resource r WHERE ${plan.driven.text}`, ...plan.driven.params)) ?? 0);
  }

  private page(tenant: string, query: SearchQuery, plan: Plan, cursor: Cursor | undefined): Row[] {
    const backward = cursor?.backward ?? false;
    const limit = query.count + 1;
    if (query.sort.length === 0) {
      const dir = backward ? 'DESC' : 'ASC';
      const seek = (alias: string): Sql => (cursor ? sql(backward ? ` AND ${alias}.rid < ?` : ` AND ${alias}.rid > ?`, cursor.rid) : sql(''));
      // A bounded walk in rid order first (sqlite-search-plan.ts); a full page there is exact.
      const windowed = join([
        sql('SELECT r.rid, r.rtype, r.id FROM sp_resource r WHERE r.rid IN (SELECT w.rid FROM sp_resource w WHERE '), plan.window, seek('w'),
        sql(` ORDER BY w.rid ${dir} LIMIT ?) AND `, WALK_ROWS), plan.probes, sql(` ORDER BY r.rid ${dir} LIMIT ?`, limit),
      ], '');
      if (plan.walkFirst) {
        const walked = allRows<Row>(this.db, windowed);
        if (walked.length === limit) return walked;
      }
      const driven = join([sql('SELECT r.rid, r.rtype, r.id FROM sp_resource r WHERE '), plan.driven, seek('r'), sql(` ORDER BY r.rid ${dir} LIMIT ?`, limit)], '');
      return allRows<Row>(this.db, driven);
    }
    const firstKey = query.sort[0];
    if (firstKey !== undefined && plan.dense && canWalkSort(query, cursor?.values[0], backward)) {
      const walked = walkSort(this.db, tenant, query, firstKey, plan.probes, limit, cursor ? { value: cursor.values[0] ?? null, rid: cursor.rid } : undefined);
      if (walked) return walked;
    }
    if (firstKey !== undefined && query.sort.length > 1 && plan.dense && !backward) {
      // Several keys over many matches: sort one group of equal first-key values at a time.
      const grouped = walkSortGroups(this.db, tenant, query, firstKey, limit, cursor ? cursor.values[0] ?? null : undefined, (group, groupCursor, rest) =>
        this.fullSort(tenant, query, join([plan.probes, group], ' AND '), groupCursor ? cursor : undefined, rest));
      if (grouped) return grouped;
    }
    return this.fullSort(tenant, query, plan.driven, cursor, limit);
  }

  /** Sorts every match on all keys (correlated MIN/MAX per key) and seeks past the cursor. */
  private fullSort(tenant: string, query: SearchQuery, where: Sql, cursor: Cursor | undefined, limit: number): Row[] {
    const backward = cursor?.backward ?? false;
    const columns = query.sort.map((key, i) => {
      const v = `sv${i}`;
      const pk = pkMatch(`${v}.pk`, tenant, query.resourceTypes, key.param);
      const agg = key.descending ? 'MAX' : 'MIN';
      const table = tableOf(key.type);
      // INDEXED BY: one (rid, pk) probe per row; see Member.probeFrom in sqlite-search-compiler.ts.
      const inner = sql(`IFNULL((SELECT ${agg}(${v}.${sortColumn(key)}) FROM ${table} ${v} INDEXED BY ${table}_rid WHERE ${v}.rid = r.rid AND ${pk.text}), ${key.descending ? NULL_LAST_DESC : NULL_LAST_ASC}) AS s${i}`, ...pk.params);
      return inner;
    });
    const selected = join(columns, ', ');
    // Direction of each key as walked: flipped when paging backward.
    const ascending = (key: SortKey): boolean => key.descending === backward;
    // Ties go by rid in the direction of the first key, as the sort walk reads its index.
    const ridAscending = (query.sort[0]?.descending ?? false) === backward;
    const order = [...query.sort.map((k, i) => `s${i} ${ascending(k) ? 'ASC' : 'DESC'}`), `rid ${ridAscending ? 'ASC' : 'DESC'}`].join(', ');
    let seek = sql('1');
    if (cursor) {
      const ors: Sql[] = [];
      const keys = [...query.sort.map((k, i) => ({ column: `s${i}`, asc: ascending(k), value: cursor.values[i] ?? null })), { column: 'rid', asc: ridAscending, value: cursor.rid as SqlValue }];
      keys.forEach((key, i) => {
        const equal = keys.slice(0, i).map((prev) => sql(`${prev.column} = ?`, prev.value));
        ors.push(join([...equal, sql(`${key.column} ${key.asc ? '>' : '<'} ?`, key.value)], ' AND '));
      });
      seek = join(ors.map((o) => sql(`(${o.text})`, ...o.params)), ' OR ');
    }
    const text = `SELECT * FROM (SELECT r.rid AS rid, r.rtype AS rtype, r.id AS id, ${selected.text} FROM sp_resource r WHERE ${where.text}) WHERE ${seek.text} ORDER BY ${order} LIMIT ?`;
    return allRows<Row>(this.db, sql(text, ...selected.params, ...where.params, ...seek.params, limit));
  }
}
