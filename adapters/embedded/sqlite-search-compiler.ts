// Compiles each condition of the search AST (core/search/ast.ts) into a Member: the set of
// index rows that makes a resource match. A Member renders two ways, so that the planner in
// sqlite-search-plan.ts can pick the most selective condition to drive the query (IN: the
// subquery runs once and its rows are looked up) and test the others row by row (EXISTS on the
// (rid, pk) indexes), instead of materializing every condition's full match set.
import type { CompartmentCondition, Condition, ListCondition, ParamCondition } from '../../core/search/ast';
import type { SearchParamType } from '../../core/search/parameter-types';
import { paramKey } from './sqlite-search-schema';
import { join, pkMatch, sql, tableOf, valueMatch, type Sql } from './sqlite-search-sql';

export interface Member {
  /** Columns the subquery yields: a row id, or (type, id) of a referenced resource (_has). */
  readonly key: 'rid' | 'typeid';
  readonly select: string;
  readonly from: string;
  readonly where: Sql;
  /** Ties the subquery to resource row alias `r` for the EXISTS form. */
  readonly correlate: (r: string) => string;
  /**
   * FROM of the EXISTS form when it differs: the per-row probe must use the (rid, pk) index,
   * which SQLite without statistics sometimes trades for a value index (a scan per row).
   */
  readonly probeFrom?: string;
  /** WHERE of the EXISTS form when it differs (chains and _has test their inner condition per row too). */
  readonly probeWhere?: Sql;
  /**
   * Rows whose bounded count tells sparse from dense, when counting the member's own rows would
   * materialize a large inner set first (chains, _has: the inner condition's rows).
   */
  readonly estimate?: Sql;
  readonly negated: boolean;
  /** The compartment's own resource, which matches without any index row (SMART restriction). */
  readonly owner?: { readonly type: string; readonly id: string };
  /** FTS5 answers a MATCH as a set; it is never probed row by row. */
  readonly setOnly?: boolean;
  /** Resource types that match without condition (a restriction's exempt types). */
  readonly exemptTypes?: readonly string[];
}

function withAlternatives(r: string, m: Member, inner: Sql): Sql {
  let out = inner;
  if (m.owner !== undefined) out = sql(`((${r}.rtype = ? AND ${r}.id = ?) OR ${out.text})`, m.owner.type, m.owner.id, ...out.params);
  if (m.exemptTypes !== undefined && m.exemptTypes.length > 0) out = sql(`(${r}.rtype IN (SELECT value FROM json_each(?)) OR ${out.text})`, JSON.stringify(m.exemptTypes), ...out.params);
  return out;
}

/** `r.rid IN (...)`: the subquery runs once. */
export function asIn(r: string, m: Member): Sql {
  const left = m.key === 'rid' ? `${r}.rid` : `(${r}.rtype, ${r}.id)`;
  const inner = sql(`${left} ${m.negated ? 'NOT IN' : 'IN'} (SELECT ${m.select} FROM ${m.from} WHERE ${m.where.text})`, ...m.where.params);
  return withAlternatives(r, m, inner);
}

/** `EXISTS (... = r.rid ...)`: probed for each candidate row. */
export function asExists(r: string, m: Member): Sql {
  if (m.setOnly) return asIn(r, m);
  const where = m.probeWhere ?? m.where;
  const inner = sql(`${m.negated ? 'NOT ' : ''}EXISTS (SELECT 1 FROM ${m.probeFrom ?? m.from} WHERE ${m.correlate(r)} AND ${where.text})`, ...where.params);
  return withAlternatives(r, m, inner);
}

/** An FTS5 query of quoted terms (quotes doubled), so user text is never FTS syntax. */
function ftsQuery(column: string, terms: readonly string[]): string {
  return `${column} : (${terms.map((t) => `"${t.replace(/"/g, '""')}"`).join(' AND ')})`;
}

/** The inner conditions' own rows (UNION ALL over targets), for a bounded count; none when negated. */
function estimateOf(inner: readonly Member[]): { estimate?: Sql } {
  if (inner.some((m) => m.negated || m.owner !== undefined || m.exemptTypes !== undefined)) return {};
  const parts = inner.map((m) => m.estimate ?? sql(`SELECT 1 FROM ${m.from} WHERE ${m.where.text}`, ...m.where.params));
  return { estimate: join(parts, ' UNION ALL ') };
}

function ors(parts: readonly Sql[]): Sql {
  const all = join(parts.map((p) => sql(`(${p.text})`, ...p.params)), ' OR ');
  return sql(`(${all.text})`, ...all.params);
}

export class SqlCompiler {
  private aliasCount = 0;

  constructor(private readonly tenant: string) {}

  private alias(prefix: string): string {
    this.aliasCount += 1;
    return `${prefix}${this.aliasCount}`;
  }

  /** The condition as a predicate on resource row `r` (types: what `r` may be; [] = any), IN form. */
  condition(r: string, types: readonly string[], c: Condition): Sql {
    return asIn(r, this.member(types, c));
  }

  member(types: readonly string[], c: Condition): Member {
    switch (c.kind) {
      case 'param': return this.param(types, c);
      case 'chain': return this.chain(types, c.param, c.targets);
      case 'has': return this.has(c.resourceType, c.param, c.condition);
      case 'compartment': return this.compartment(types, c);
      case 'list': return this.list(c);
    }
  }

  private list(c: ListCondition): Member {
    const ref = this.alias('ref');
    const l = this.alias('l');
    return {
      key: 'typeid',
      select: `${ref}.target_type, ${ref}.target_id`,
      from: `sp_reference ${ref} JOIN sp_resource ${l} ON ${l}.rid = ${ref}.rid`,
      where: sql(`${ref}.pk = ? AND ${l}.tenant = ? AND ${l}.rtype = 'List' AND ${l}.id IN (SELECT value FROM json_each(?))`, paramKey(this.tenant, 'List', 'item'), this.tenant, JSON.stringify(c.ids)),
      correlate: (r) => `${ref}.target_id = ${r}.id AND ${ref}.target_type = ${r}.rtype`,
      negated: false,
    };
  }

  private rows(type: SearchParamType | 'fts', v: string, where: Sql, negated: boolean): Member {
    if (type === 'fts') return { key: 'rid', select: 'rowid', from: 'sp_fts', where, correlate: (r) => `rowid = ${r}.rid`, negated, setOnly: true };
    const table = tableOf(type);
    return { key: 'rid', select: `${v}.rid`, from: `${table} ${v}`, probeFrom: `${table} ${v} INDEXED BY ${table}_rid`, where, correlate: (r) => `${v}.rid = ${r}.rid`, negated };
  }

  private param(types: readonly string[], c: ParamCondition): Member {
    const v = this.alias('v');
    if (c.param === '_text' || c.param === '_content') {
      const column = c.param === '_text' ? 'narrative' : 'content';
      const query = c.values.map((value) => `(${ftsQuery(column, value.kind === 'text' ? value.terms : [])})`).join(' OR ');
      // :missing has no meaning for full text; it matches everything.
      return this.rows('fts', v, c.modifier === 'missing' ? sql('1') : sql('sp_fts MATCH ?', query), false);
    }
    if (c.modifier === 'missing') {
      const type = c.type === 'composite' ? c.components?.[0]?.type ?? 'token' : c.type;
      const code = c.type === 'composite' ? `${c.param}.0` : c.param;
      return this.rows(type, v, pkMatch(`${v}.pk`, this.tenant, types, code), c.missing === true);
    }
    if (c.type === 'composite') return this.composite(types, c);
    if (c.type === 'special') return this.near(types, c);
    // :of-type and UCUM canonical rows are stored under keys of their own (core/search/index-entry.ts).
    const key = c.modifier === 'of-type' ? `${c.param}:of-type` : c.canonical ? `${c.param}:canonical` : c.param;
    const where = join([pkMatch(`${v}.pk`, this.tenant, types, key), ors(c.values.map((value) => valueMatch(v, value, c.modifier)))], ' AND ');
    return this.rows(c.type, v, where, c.modifier === 'not');
  }

  /**
   * Location near (search.html#special): a bounding box on the latitude and longitude rows
   * (core/search/extract-values.ts) narrows by index, then the great-circle distance decides.
   */
  private near(types: readonly string[], c: ParamCondition): Member {
    const lat = this.alias('lat');
    const lon = this.alias('lon');
    const boxes = c.values.map((value) => {
      if (value.kind !== 'near') return sql('0');
      const dLat = value.distanceKm / 111.32;
      const dLon = value.distanceKm / (111.32 * Math.max(Math.cos((value.latitude * Math.PI) / 180), 0.01));
      return sql(
        `${lat}.value BETWEEN ? AND ? AND ${lon}.value BETWEEN ? AND ?
         AND 6371.0088 * acos(min(1.0, sin(radians(?)) * sin(radians(${lat}.value)) + cos(radians(?)) * cos(radians(${lat}.value)) * cos(radians(${lon}.value - ?)))) <= ?`,
        value.latitude - dLat, value.latitude + dLat, value.longitude - dLon, value.longitude + dLon,
        value.latitude, value.latitude, value.longitude, value.distanceKm,
      );
    });
    const where = join([
      pkMatch(`${lat}.pk`, this.tenant, types, `${c.param}:latitude`),
      pkMatch(`${lon}.pk`, this.tenant, types, `${c.param}:longitude`),
      ors(boxes),
    ], ' AND ');
    return {
      key: 'rid', select: `${lat}.rid`, from: `sp_number ${lat} JOIN sp_number ${lon} ON ${lon}.rid = ${lat}.rid`,
      probeFrom: `sp_number ${lat} INDEXED BY sp_number_rid JOIN sp_number ${lon} ON ${lon}.rid = ${lat}.rid`,
      where, correlate: (r) => `${lat}.rid = ${r}.rid`, negated: false,
    };
  }

  /** Components of one composite value share `grp` (sqlite-search-schema.ts). */
  private composite(types: readonly string[], c: ParamCondition): Member {
    const components = c.components ?? [];
    const aliases = components.map(() => this.alias('c'));
    const first = aliases[0] ?? 'c';
    const from: string[] = [];
    const where: Sql[] = [];
    components.forEach((component, n) => {
      const a = aliases[n] ?? '';
      from.push(n === 0 ? `${tableOf(component.type)} ${a}` : `JOIN ${tableOf(component.type)} ${a} ON ${a}.rid = ${first}.rid AND ${a}.grp = ${first}.grp`);
      where.push(pkMatch(`${a}.pk`, this.tenant, types, `${c.param}.${n}`));
    });
    where.push(sql(`${first}.grp > 0`));
    where.push(ors(c.values.map((value) => {
      const values = value.kind === 'composite' ? value.components : [];
      return join(components.map((_component, n) => {
        const componentValue = values[n];
        return componentValue === undefined ? sql('1') : valueMatch(aliases[n] ?? '', componentValue, undefined);
      }), ' AND ');
    })));
    const firstTable = tableOf(components[0]?.type ?? 'token');
    const probeFrom = [`${firstTable} ${first} INDEXED BY ${firstTable}_rid`, ...from.slice(1)].join(' ');
    return { key: 'rid', select: `${first}.rid`, from: from.join(' '), probeFrom, where: join(where, ' AND '), correlate: (r) => `${first}.rid = ${r}.rid`, negated: false };
  }

  private chain(types: readonly string[], param: string, targets: readonly { resourceType: string; condition: Condition }[]): Member {
    const ref = this.alias('ref');
    const t = this.alias('t');
    // Driver form: the matching targets once, as a set. Probe form: this row's references, each
    // target tested on its own, so that a dense inner condition is never materialized whole.
    const matching = targets.map(({ resourceType, condition }) => join([sql(`${t}.rtype = ? AND `, resourceType), this.condition(t, [resourceType], condition)], ''));
    // One target: type and id tested apart (the index's order); several: (type, id) pairs, so
    // that the reference index still serves (an OR of per-target tests would scan it).
    const first = targets[0];
    const driven = targets.length === 1 && first !== undefined
      ? join([sql(`${ref}.target_type = ? AND ${ref}.target_id IN (SELECT ${t}.id FROM sp_resource ${t} WHERE ${t}.tenant = ? AND ${t}.rtype = ? AND `, first.resourceType, this.tenant, first.resourceType), this.condition(t, [first.resourceType], first.condition), sql(')')], '')
      : join([sql(`(${ref}.target_type, ${ref}.target_id) IN (SELECT ${t}.rtype, ${t}.id FROM sp_resource ${t} WHERE ${t}.tenant = ? AND `, this.tenant), ors(matching), sql(')')], '');
    const innerMembers = targets.map(({ resourceType, condition }) => this.member([resourceType], condition));
    const perTargetProbe = targets.map(({ resourceType }, i) => join([sql(`${t}.rtype = ? AND `, resourceType), asExists(t, innerMembers[i] as Member)], ''));
    const pk = pkMatch(`${ref}.pk`, this.tenant, types, param);
    return {
      key: 'rid', select: `${ref}.rid`, from: `sp_reference ${ref}`, where: join([pk, driven], ' AND '),
      probeFrom: `sp_reference ${ref} INDEXED BY sp_reference_rid JOIN sp_resource ${t} ON ${t}.rtype = ${ref}.target_type AND ${t}.id = ${ref}.target_id`,
      probeWhere: join([pk, sql(`${t}.tenant = ?`, this.tenant), ors(perTargetProbe)], ' AND '),
      ...estimateOf(innerMembers),
      correlate: (r) => `${ref}.rid = ${r}.rid`, negated: false,
    };
  }

  private has(sourceType: string, param: string, condition: Condition): Member {
    const ref = this.alias('ref');
    const s = this.alias('s');
    const inner = this.condition(s, [sourceType], condition);
    const innerMember = this.member([sourceType], condition);
    const key = paramKey(this.tenant, sourceType, param);
    // Driver form: the referring resources first (usually few), then their references by (rid,
    // pk). Probe form: the references to this row, each referrer tested on its own.
    return {
      key: 'typeid',
      select: `${ref}.target_type, ${ref}.target_id`,
      from: `sp_reference ${ref}`,
      where: join([
        sql(`${ref}.pk = ? AND ${ref}.rid IN (SELECT ${s}.rid FROM sp_resource ${s} WHERE ${s}.tenant = ? AND ${s}.rtype = ? AND `, key, this.tenant, sourceType),
        inner,
        sql(')'),
      ], ''),
      probeFrom: `sp_reference ${ref} INDEXED BY sp_reference_target JOIN sp_resource ${s} ON ${s}.rid = ${ref}.rid`,
      probeWhere: join([sql(`${ref}.pk = ? AND ${s}.tenant = ? AND `, key, this.tenant), asExists(s, innerMember)], ''),
      ...estimateOf([innerMember]),
      correlate: (r) => `${ref}.target_id = ${r}.id AND ${ref}.target_type = ${r}.rtype`,
      negated: false,
    };
  }

  private compartment(types: readonly string[], c: CompartmentCondition): Member {
    const keys: number[] = [];
    for (const type of types.length === 0 ? Object.keys(c.params) : types) {
      for (const param of c.params[type] ?? []) keys.push(paramKey(this.tenant, type, param));
    }
    const v = this.alias('v');
    const where = sql(`${v}.pk IN (SELECT value FROM json_each(?)) AND ${v}.target_id = ? AND ${v}.target_type = ?`, JSON.stringify(keys), c.id, c.compartmentType);
    const member = this.rows('reference', v, where, false);
    return {
      ...member,
      ...(c.includeOwner ? { owner: { type: c.compartmentType, id: c.id } } : {}),
      ...(c.exemptTypes !== undefined && c.exemptTypes.length > 0 ? { exemptTypes: c.exemptTypes } : {}),
    };
  }
}
