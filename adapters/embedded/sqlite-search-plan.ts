// Chooses how a search runs. SQLite's planner cannot know how many rows a condition on an index
// table matches (a token code may match 1 row or 50,000), and materializing a large match set
// costs far more than a page needs. So:
// - each positive condition is counted up to a bound on its index; the smallest drives the query
//   (IN) while the others are probed per row (EXISTS);
// - when every condition is dense and there is no _sort, the page is first sought by walking the
//   type's resources in rid order over a bounded number of rows, probing each condition: dense
//   conditions fill a page after a few rows. Totals use the driver, or index intersections.
// A ge/lt pair on one date parameter gets a driver of its own (dateRangeDriver), a superset of
// its matches read from a narrow slice of the date index; the pair is still probed exactly.
import type { Database } from 'better-sqlite3';
import type { Condition, ParamCondition, SearchQuery } from '../../core/search/ast';
import { asExists, asIn, SqlCompiler, type Member } from './sqlite-search-compiler';
import { NARROW_MS } from './sqlite-search-schema';
import { join, pkMatch, scalar, sql, type Sql } from './sqlite-search-sql';

/** Counting stops here: above it a condition is dense. */
const DENSE = 2000;
/** Rows walked in rid order before falling back to a driver. */
export const WALK_ROWS = 2000;

export interface Plan {
  /** Tenant and types on resource alias `w`, for the walk's window. */
  readonly window: Sql;
  /** Every condition as an EXISTS probe: for the bounded walk. */
  readonly probes: Sql;
  /** WHERE on `sp_resource r` driven by the most selective condition (page fallback, totals, sort). */
  readonly driven: Sql;
  /**
   * For plain conditions: the rows whose distinct count is the total, straight from the indexes
   * (the parameter key already fixes tenant and type; deleted resources have no rows).
   */
  readonly countRows?: Sql;
  /** For one negated condition (:not, :missing=true): the total is the type's size minus these rows. */
  readonly countExcluded?: { readonly all: Sql; readonly rows: Sql };
  /** Whether the page should first be sought by the bounded walk. */
  readonly walkFirst: boolean;
  /** No condition is selective: a sorted page is best read in sort order (sqlite-search-sort-walk.ts). */
  readonly dense: boolean;
}

interface Driver {
  /** `r.rid IN (...)` */
  readonly sql: Sql;
  /** The bare subquery, for counting. */
  readonly rows: Sql;
  /** What to count to tell sparse from dense, when not `rows`. */
  readonly estimate?: Sql;
  /** The member it replaces as a probe, if it is exact. */
  readonly member?: Member;
}

function memberDriver(m: Member, tenant: string): Driver {
  const rows = sql(`SELECT ${m.select} FROM ${m.from} WHERE ${m.where.text}`, ...m.where.params);
  if (m.owner === undefined) return { sql: asIn('r', m), rows, member: m, ...(m.estimate ? { estimate: m.estimate } : {}) };
  // A compartment including its own Patient drives as a UNION.
  const union = sql(`${rows.text} UNION ALL SELECT o.rid FROM sp_resource o WHERE o.tenant = ? AND o.rtype = ? AND o.id = ?`, ...rows.params, tenant, m.owner.type, m.owner.id);
  return { sql: sql(`r.rid IN (${union.text})`, ...union.params), rows: union, member: m };
}

/** [X, Y): a resource matching `high >= X` and `low < Y` on one parameter, or undefined. */
function bounds(c: ParamCondition): { lower?: number; upper?: number } | undefined {
  if (c.type !== 'date' || c.modifier !== undefined || c.values.length !== 1) return undefined;
  const v = c.values[0];
  if (v?.kind !== 'date') return undefined;
  switch (v.prefix) {
    case 'ge': return { lower: v.low };
    case 'gt': case 'sa': return { lower: v.high + 1 };
    case 'lt': case 'eb': return { upper: v.low };
    case 'le': return { upper: v.high + 1 };
    default: return undefined;
  }
}

/**
 * For `p=geX&p=ltY`: the resources with one row in [X, Y) (narrow rows lie within a day of X,
 * wide rows are few) plus every resource with several values for `p` (whose two conditions may
 * hold on different rows). A superset of the matches; the two conditions stay as probes.
 */
function dateRangeDrivers(tenant: string, query: SearchQuery): Driver[] {
  const byParam = new Map<string, { lower?: number; upper?: number }>();
  for (const c of query.conditions) {
    if (c.kind !== 'param') continue;
    const b = bounds(c);
    if (b === undefined) continue;
    const seen = byParam.get(c.param) ?? {};
    byParam.set(c.param, { ...seen, ...(b.lower !== undefined ? { lower: Math.max(b.lower, seen.lower ?? -Infinity) } : {}), ...(b.upper !== undefined ? { upper: Math.min(b.upper, seen.upper ?? Infinity) } : {}) });
  }
  const drivers: Driver[] = [];
  for (const [param, { lower, upper }] of byParam) {
    if (lower === undefined || upper === undefined) continue;
    const pk = (alias: string): Sql => pkMatch(`${alias}.pk`, tenant, query.resourceTypes, param);
    const parts = [
      join([sql('SELECT d1.rid FROM sp_date d1 WHERE '), pk('d1'), sql(' AND d1.wide = 0 AND d1.low > ? AND d1.low < ? AND d1.high >= ?', lower - NARROW_MS, upper, lower)], ''),
      join([sql('SELECT d2.rid FROM sp_date d2 INDEXED BY sp_date_wide WHERE '), pk('d2'), sql(' AND d2.wide = 1 AND d2.low < ? AND d2.high >= ?', upper, lower)], ''),
      join([sql('SELECT d3.rid FROM sp_date d3 WHERE '), pk('d3'), sql(' AND d3.multi = 1')], ''),
    ];
    const rows = join(parts, ' UNION ');
    drivers.push({ sql: sql(`r.rid IN (${rows.text})`, ...rows.params), rows });
  }
  return drivers;
}

function count(db: Database, rows: Sql, limit: number): number {
  return Number(scalar(db, sql(`SELECT COUNT(*) FROM (${rows.text} LIMIT ${limit})`, ...rows.params)) ?? 0);
}

export function planSearch(db: Database, tenant: string, query: SearchQuery): Plan {
  const compiler = new SqlCompiler(tenant);
  const types = query.resourceTypes;
  const baseOf = (alias: string): Sql => {
    const parts: Sql[] = [sql(`${alias}.tenant = ?`, tenant)];
    if (types.length === 1) parts.push(sql(`${alias}.rtype = ?`, types[0] ?? ''));
    else if (types.length > 1) parts.push(sql(`${alias}.rtype IN (SELECT value FROM json_each(?))`, JSON.stringify(types)));
    return join(parts, ' AND ');
  };
  const base = baseOf('r');
  const conditions: Condition[] = [...query.conditions, ...(query.scope ? [query.scope] : [])];
  const members = conditions.map((c) => compiler.member(types, c));
  const probesOf = (except: Member | undefined): Sql[] => members.filter((m) => m !== except).map((m) => asExists('r', m));
  const probes = join([base, ...probesOf(undefined)], ' AND ');

  const drivers = [...members.filter((m) => !m.negated && m.exemptTypes === undefined).map((m) => memberDriver(m, tenant)), ...dateRangeDrivers(tenant, query)];
  let best: Driver | undefined;
  let fewest = Number.POSITIVE_INFINITY;
  if (drivers.length === 1 && query.sort.length > 0) best = drivers[0];
  else {
    for (const d of drivers) {
      const n = count(db, d.estimate ?? d.rows, DENSE);
      if (n < fewest) {
        fewest = n;
        best = d;
      }
    }
  }
  const driven = best === undefined ? probes : join([base, best.sql, ...probesOf(best.member)], ' AND ');
  // Dense everywhere (or nothing to drive from) and unsorted: a short walk usually fills the page.
  // Plain positive conditions only: their rows already fix tenant and type, so the total is the
  // size of the intersection of their row sets, computed on the indexes alone.
  // With a sparse driver, probing its few rows is cheaper than intersecting large sets.
  const plain = members.length > 0 && (members.length === 1 || fewest >= DENSE)
    && members.every((m) => m.key === 'rid' && !m.negated && !m.setOnly && m.owner === undefined && m.exemptTypes === undefined);
  const countRows = plain ? join(members.map((m) => sql(`SELECT ${m.select} FROM ${m.from} WHERE ${m.where.text}`, ...m.where.params)), ' INTERSECT ') : undefined;
  const lone = members.length === 1 ? members[0] : undefined;
  const excluded = lone !== undefined && lone.negated && lone.key === 'rid' && !lone.setOnly && lone.owner === undefined && lone.exemptTypes === undefined
    ? { all: base, rows: sql(`SELECT ${lone.select} FROM ${lone.from} WHERE ${lone.where.text}`, ...lone.where.params) }
    : undefined;
  return {
    window: baseOf('w'), probes, driven,
    ...(excluded ? { countExcluded: excluded } : {}),
    // Probing chains and _has per row costs more than driving from them unless they are dense.
    walkFirst: query.sort.length === 0 && fewest >= DENSE,
    dense: fewest >= DENSE,
    ...(countRows ? { countRows } : {}),
  };
}
