// Compiles the engine-neutral search AST (core/search/ast.ts) to SQL over the index tables of
// sqlite-search-schema.ts. Every value travels as a bound parameter; the SQL text is built only
// from table names, column names and operators chosen here. Semantics follow
// https://hl7.org/fhir/R4/search.html (prefixes as range comparisons, modifiers, chains, _has).
import type { CompartmentCondition, Condition, Modifier, ParamCondition, RangeValue, SearchValue } from '../../core/search/ast';
import { normalizeString } from '../../core/search/normalize';
import type { SearchParamType } from '../../core/search/parameter-types';
import { allResourceTypes } from '../../core/search/parameters';
import { paramKey } from './sqlite-search-schema';

/** Buffer only for the stand-in of a missing sort value (sqlite-search-index.ts). */
export type SqlValue = string | number | null | Buffer;

/** A fragment of SQL and its bound values, in order. */
export interface Sql {
  readonly text: string;
  readonly params: readonly SqlValue[];
}

export const sql = (text: string, ...params: SqlValue[]): Sql => ({ text, params });

export function join(parts: readonly Sql[], separator: string): Sql {
  return { text: parts.map((p) => p.text).join(separator), params: parts.flatMap((p) => p.params) };
}

const TABLE: Readonly<Record<string, string>> = {
  token: 'sp_token', string: 'sp_string', date: 'sp_date', number: 'sp_number', quantity: 'sp_quantity', reference: 'sp_reference', uri: 'sp_uri',
};

export function tableOf(type: SearchParamType): string {
  const table = TABLE[type];
  if (table === undefined) throw new Error(`no index table for ${type}`);
  return table;
}

/** `= ?` for one type, `IN (json)` for several: the keys of `param` on each searched type. */
export function pkMatch(column: string, tenant: string, types: readonly string[], param: string): Sql {
  const all = types.length === 0 ? allResourceTypes() : types;
  if (all.length === 1) return sql(`${column} = ?`, paramKey(tenant, all[0] ?? '', param));
  return sql(`${column} IN (SELECT value FROM json_each(?))`, JSON.stringify(all.map((t) => paramKey(tenant, t, param))));
}

function likeEscape(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** The largest code point: `v >= x AND v < x || MAX` is a prefix range an index can use. */
const MAX_CHAR = '\u{10FFFF}';

function range(v: string, value: RangeValue): Sql {
  const { low, high } = value;
  switch (value.prefix) {
    case 'eq': return sql(`(${v}.low >= ? AND ${v}.high <= ?)`, low, high);
    case 'ne': return sql(`NOT (${v}.low >= ? AND ${v}.high <= ?)`, low, high);
    case 'gt': return sql(`${v}.high > ?`, high);
    case 'lt': return sql(`${v}.low < ?`, low);
    case 'ge': return sql(`${v}.high >= ?`, low);
    case 'le': return sql(`${v}.low <= ?`, high);
    case 'sa': return sql(`${v}.low > ?`, high);
    case 'eb': return sql(`${v}.high < ?`, low);
    case 'ap': return sql(`(${v}.low <= ? AND ${v}.high >= ?)`, high, low);
  }
}

/** The predicate on one index row `v` for one value. */
export function valueMatch(v: string, value: SearchValue, modifier: Modifier | undefined): Sql {
  switch (value.kind) {
    case 'token': {
      const parts: Sql[] = [];
      if (value.code !== undefined) parts.push(sql(`${v}.code = ?`, value.code));
      if (value.system === null) parts.push(sql(`${v}.system IS NULL`));
      else if (value.system !== undefined) parts.push(sql(`${v}.system = ?`, value.system));
      return parts.length === 0 ? sql('1') : join(parts, ' AND ');
    }
    case 'token-text': {
      const e = likeEscape(value.value);
      return sql(`(${v}.text LIKE ? ESCAPE '\\' OR ${v}.text LIKE ? ESCAPE '\\')`, `${e}%`, `% ${e}%`);
    }
    case 'string':
      if (modifier === 'exact') return sql(`(${v}.norm = ? AND ${v}.exact = ?)`, normalizeString(value.value), value.value);
      if (modifier === 'contains') return sql(`${v}.norm LIKE ? ESCAPE '\\'`, `%${likeEscape(value.value)}%`);
      return sql(`(${v}.norm >= ? AND ${v}.norm < ?)`, value.value, value.value + MAX_CHAR);
    case 'date':
    case 'number':
      return range(v, value);
    case 'quantity': {
      const parts: Sql[] = [range(v, value)];
      if (value.system !== undefined) parts.push(sql(`${v}.system = ?`, value.system));
      // Without a system the code may be the code or the unit (search.html#quantity).
      if (value.code !== undefined) parts.push(value.system !== undefined ? sql(`${v}.code = ?`, value.code) : sql(`(${v}.code = ? OR ${v}.unit = ?)`, value.code, value.code));
      return join(parts, ' AND ');
    }
    case 'reference': {
      const parts: Sql[] = [];
      if (value.id !== undefined) parts.push(sql(`${v}.target_id = ?`, value.id));
      if (value.targetType !== undefined) parts.push(sql(`${v}.target_type = ?`, value.targetType));
      if (value.url !== undefined) parts.push(sql(`${v}.url = ?`, value.url));
      if (value.version !== undefined) parts.push(sql(`${v}.version = ?`, value.version));
      return parts.length === 0 ? sql('0') : join(parts, ' AND ');
    }
    case 'reference-identifier': {
      const parts: Sql[] = [];
      if (value.value !== undefined) parts.push(sql(`${v}.ident_value = ?`, value.value));
      else parts.push(sql(`${v}.ident_value IS NOT NULL`));
      if (value.system === null) parts.push(sql(`${v}.ident_system IS NULL`));
      else if (value.system !== undefined) parts.push(sql(`${v}.ident_system = ?`, value.system));
      return join(parts, ' AND ');
    }
    case 'uri':
      if (modifier === 'below') return sql(`(${v}.value >= ? AND ${v}.value < ?)`, value.value, value.value + MAX_CHAR);
      if (modifier === 'above') return sql(`(${v}.value <= ? AND substr(?, 1, length(${v}.value)) = ${v}.value)`, value.value, value.value);
      return sql(`${v}.value = ?`, value.value);
    default:
      throw new Error(`${value.kind} values are compiled by their condition`);
  }
}

/** An FTS5 query of quoted terms (quotes doubled), so user text is never FTS syntax. */
function ftsQuery(column: string, terms: readonly string[]): string {
  return `${column} : (${terms.map((t) => `"${t.replace(/"/g, '""')}"`).join(' AND ')})`;
}

export class SqlCompiler {
  private aliasCount = 0;

  constructor(private readonly tenant: string) {}

  private alias(prefix: string): string {
    this.aliasCount += 1;
    return `${prefix}${this.aliasCount}`;
  }

  /** The predicate on resource row `r` (an sp_resource alias) whose type is one of `types` ([] = any). */
  condition(r: string, types: readonly string[], c: Condition): Sql {
    switch (c.kind) {
      case 'param': return this.param(r, types, c);
      case 'chain': return this.chain(r, types, c.param, c.targets);
      case 'has': return this.has(r, c.resourceType, c.param, c.condition);
      case 'compartment': return this.compartment(r, types, c);
    }
  }

  private param(r: string, types: readonly string[], c: ParamCondition): Sql {
    if (c.param === '_text' || c.param === '_content') {
      if (c.modifier === 'missing') return sql('1');
      const column = c.param === '_text' ? 'narrative' : 'content';
      const ors = c.values.map((value) => sql(`${r}.rid IN (SELECT rowid FROM sp_fts WHERE sp_fts MATCH ?)`, ftsQuery(column, value.kind === 'text' ? value.terms : [])));
      return sql(`(${join(ors, ' OR ').text})`, ...join(ors, ' OR ').params);
    }
    const firstType = c.type === 'composite' ? c.components?.[0]?.type ?? 'token' : c.type;
    const code = c.type === 'composite' ? `${c.param}.0` : c.param;
    if (c.modifier === 'missing') {
      const v = this.alias('v');
      const rows = join([sql(`${r}.rid ${c.missing ? 'NOT IN' : 'IN'} (SELECT ${v}.rid FROM ${tableOf(firstType)} ${v} WHERE `), pkMatch(`${v}.pk`, this.tenant, types, code), sql(')')], '');
      return rows;
    }
    if (c.type === 'composite') return this.composite(r, types, c);
    const v = this.alias('v');
    const matches = c.values.map((value) => valueMatch(v, value, c.modifier));
    const any = join(matches.map((m) => sql(`(${m.text})`, ...m.params)), ' OR ');
    const op = c.modifier === 'not' ? 'NOT IN' : 'IN';
    // :of-type rows are stored under their own key (core/search/extract-values.ts).
    const key = c.modifier === 'of-type' ? `${c.param}:of-type` : c.param;
    return join([sql(`${r}.rid ${op} (SELECT ${v}.rid FROM ${tableOf(c.type)} ${v} WHERE `), pkMatch(`${v}.pk`, this.tenant, types, key), sql(` AND (${any.text}))`, ...any.params)], '');
  }

  private composite(r: string, types: readonly string[], c: ParamCondition): Sql {
    const components = c.components ?? [];
    const ors = c.values.map((value) => {
      const values = value.kind === 'composite' ? value.components : [];
      const aliases = components.map(() => this.alias('c'));
      const from: Sql[] = [];
      const where: Sql[] = [];
      components.forEach((component, n) => {
        const a = aliases[n] ?? '';
        const pk = pkMatch(`${a}.pk`, this.tenant, types, `${c.param}.${n}`);
        if (n === 0) from.push(sql(`${tableOf(component.type)} ${a}`));
        else from.push(join([sql(`JOIN ${tableOf(component.type)} ${a} ON ${a}.rid = ${aliases[0]}.rid AND ${a}.grp = ${aliases[0]}.grp AND `), pk], ''));
        if (n === 0) where.push(pk, sql(`${a}.grp > 0`));
        const componentValue = values[n];
        if (componentValue !== undefined) where.push(valueMatch(a, componentValue, undefined));
      });
      return join([sql(`${r}.rid IN (SELECT ${aliases[0]}.rid FROM `), join(from, ' '), sql(' WHERE '), join(where.map((w) => sql(`(${w.text})`, ...w.params)), ' AND '), sql(')')], '');
    });
    const any = join(ors, ' OR ');
    return sql(`(${any.text})`, ...any.params);
  }

  private chain(r: string, types: readonly string[], param: string, targets: readonly { resourceType: string; condition: Condition }[]): Sql {
    const ref = this.alias('ref');
    const perTarget = targets.map(({ resourceType, condition }) => {
      const t = this.alias('t');
      const inner = this.condition(t, [resourceType], condition);
      return join([sql(`(${ref}.target_type = ? AND ${ref}.target_id IN (SELECT ${t}.id FROM sp_resource ${t} WHERE ${t}.tenant = ? AND ${t}.rtype = ? AND `, resourceType, this.tenant, resourceType), inner, sql('))')], '');
    });
    const any = join(perTarget, ' OR ');
    return join([sql(`${r}.rid IN (SELECT ${ref}.rid FROM sp_reference ${ref} WHERE `), pkMatch(`${ref}.pk`, this.tenant, types, param), sql(` AND (${any.text}))`, ...any.params)], '');
  }

  private has(r: string, sourceType: string, param: string, condition: Condition): Sql {
    const ref = this.alias('ref');
    const s = this.alias('s');
    const inner = this.condition(s, [sourceType], condition);
    return join([
      sql(`(${r}.rtype, ${r}.id) IN (SELECT ${ref}.target_type, ${ref}.target_id FROM sp_reference ${ref} JOIN sp_resource ${s} ON ${s}.rid = ${ref}.rid WHERE ${ref}.pk = ? AND ${s}.tenant = ? AND `, paramKey(this.tenant, sourceType, param), this.tenant),
      inner,
      sql(')'),
    ], '');
  }

  private compartment(r: string, types: readonly string[], c: CompartmentCondition): Sql {
    const keys: number[] = [];
    for (const type of types.length === 0 ? Object.keys(c.params) : types) {
      for (const param of c.params[type] ?? []) keys.push(paramKey(this.tenant, type, param));
    }
    const v = this.alias('v');
    const member = sql(`${r}.rid IN (SELECT ${v}.rid FROM sp_reference ${v} WHERE ${v}.pk IN (SELECT value FROM json_each(?)) AND ${v}.target_id = ? AND ${v}.target_type = ?)`, JSON.stringify(keys), c.id, c.compartmentType);
    if (!c.includeOwner) return member;
    return sql(`((${r}.rtype = ? AND ${r}.id = ?) OR ${member.text})`, c.compartmentType, c.id, ...member.params);
  }
}
