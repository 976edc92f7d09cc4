// SQL fragments with their bound values, and the predicates that match one index row against one
// search value (https://hl7.org/fhir/R4/search.html: prefixes as range comparisons, modifiers).
// Every value travels as a bound parameter; the SQL text is built only from table names, column
// names and operators chosen here. sqlite-search-compiler.ts assembles whole conditions.
import type { Database, Statement } from 'better-sqlite3';
import type { Modifier, RangeValue, SearchValue } from '../../core/search/ast';
import { normalizeString } from '../../core/search/normalize';
import type { SearchParamType } from '../../core/search/parameter-types';
import { baseSearchParameters } from '../../core/search/parameters';
import { paramKey } from './sqlite-search-schema';

/** Buffer only for the stand-in of a missing sort value (sqlite-search-index.ts). */
export type SqlValue = string | number | null | Buffer;

/** A fragment of SQL and its bound values, in order. */
export interface Sql {
  readonly text: string;
  readonly params: readonly SqlValue[];
}

export const sql = (text: string, ...params: SqlValue[]): Sql => ({ text, params });

const statements = new WeakMap<Database, Map<string, Statement<SqlValue[], unknown>>>();
/** Prepared statements kept per database: a search's SQL repeats, and preparing costs ~25 µs. */
const MAX_STATEMENTS = 500;

function statement(db: Database, text: string): Statement<SqlValue[], unknown> {
  let cache = statements.get(db);
  if (cache === undefined) {
    cache = new Map();
    statements.set(db, cache);
  }
  let found = cache.get(text);
  if (found === undefined) {
    found = db.prepare<SqlValue[], unknown>(text);
    if (cache.size >= MAX_STATEMENTS) cache.delete(cache.keys().next().value ?? '');
  } else {
    cache.delete(text); // re-inserted below: least recently used first in the Map's order
  }
  cache.set(text, found);
  return found;
}

/** Every row of a query, through the statement cache. */
export function allRows<R>(db: Database, q: Sql): R[] {
  return statement(db, q.text).pluck(false).all(...q.params) as R[];
}

/** The first column of the first row, or undefined. */
export function scalar(db: Database, q: Sql): SqlValue | undefined {
  return statement(db, q.text).pluck(true).get(...q.params) as SqlValue | undefined;
}

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
  const all = types.length === 0 ? baseSearchParameters.resourceTypes : types;
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
    case 'token-code-text':
      // LIKE is case-insensitive for ASCII, which codes are.
      return sql(`${v}.code LIKE ? ESCAPE '\\'`, `${likeEscape(value.value)}%`);
    case 'token-text': {
      const e = likeEscape(value.value);
      // IS NOT NULL lets SQLite use the partial index sp_token_text.
      return sql(`${v}.text IS NOT NULL AND (${v}.text LIKE ? ESCAPE '\\' OR ${v}.text LIKE ? ESCAPE '\\')`, `${e}%`, `% ${e}%`);
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
