// FHIR query -> engine-neutral AST, validated against the R4 parameter table
// (https://hl7.org/fhir/R4/search.html). Unknown or malformed parameters follow
// search.html#errors: with `Prefer: handling=strict` a 400 naming the parameter; otherwise
// (lenient, the default) the parameter is ignored and reported, and left out of the self link.
import { FhirError } from '../errors/fhir-error';
import type { SummaryMode } from '../format/subset';
import type { Condition, IncludeSpec, Modifier, SearchQuery, SearchValue, SortKey, TotalMode } from './ast';
import type { SearchParameterDefinition } from './parameter-types';
import { baseSearchParameters, type SearchParameterRegistry } from './parameters';
import { InvalidSearchValueError, parseNear, parseValue, splitEscaped } from './parse-value';
import { canonicalUnit, UCUM } from './ucum';

export interface ParseOptions {
  /** `Prefer: handling=strict`. */
  readonly strict: boolean;
  readonly defaultCount: number;
  readonly maxCount: number;
  /** Reference instant for `ap` on dates (epoch ms). */
  readonly now?: number;
  /** _total when the query does not say; 'none' unless given. */
  readonly defaultTotal?: TotalMode;
  /** The parameters known (R4 plus IG packages); the R4 table alone when not given. */
  readonly registry?: SearchParameterRegistry;
}

export interface IgnoredParameter {
  readonly name: string;
  readonly reason: string;
}

export interface ParsedSearch {
  readonly query: SearchQuery;
  readonly summary?: SummaryMode;
  readonly elements?: readonly string[];
  /** Parameters left out in lenient mode, with why (reported in an OperationOutcome entry). */
  readonly ignored: readonly IgnoredParameter[];
  /** The parameters applied, in order, for the self link (search.html#selflink). */
  readonly applied: readonly (readonly [string, string])[];
}

class UnknownSearchParameterError extends Error {}
/**
 * A modifier the parameter's type does not have, or that this server does not support. R4
 * search.html#modifiers: servers SHALL reject it, so it is a 400 even with
 * `Prefer: handling=lenient` (which only lets unknown parameters be ignored; issue 9, defect 6).
 */
class UnsupportedModifierError extends InvalidSearchValueError {}

const MODIFIERS: Readonly<Record<string, readonly Modifier[]>> = {
  // search.html#modifiers, per parameter type; the terminology ones on tokens are resolved into
  // codes before a backend sees them (terminology-modifiers.ts).
  string: ['missing', 'exact', 'contains'],
  token: ['missing', 'not', 'text', 'code-text', 'of-type', 'in', 'not-in', 'above', 'below'],
  reference: ['missing', 'identifier', 'type'],
  uri: ['missing', 'above', 'below'],
  date: ['missing'],
  number: ['missing'],
  quantity: ['missing'],
  composite: ['missing'],
  special: [],
};
const CONTROL = new Set(['_sort', '_count', '_total', '_include', '_revinclude', '_summary', '_elements', '_cursor', '_format', '_pretty', '_type', '_list', '_contained', '_containedType']);
const SUMMARY_MODES: readonly string[] = ['true', 'text', 'data', 'count', 'false'];
const MAX_CHAIN_DEPTH = 4;
/** Bounds on one query, so that no search can grow into an unbounded SQL statement or DSL query. */
const MAX_VALUES_PER_PARAMETER = 100;
const MAX_CONDITIONS = 64;
const MAX_INCLUDES = 20;
const MAX_SORT_KEYS = 5;

/** The definition shared by every searched type (system search needs the parameter on all of them). */
function lookup(reg: SearchParameterRegistry, types: readonly string[], code: string): SearchParameterDefinition {
  let found: SearchParameterDefinition | undefined;
  for (const type of types.length === 0 ? ['Resource'] : types) {
    const def = reg.getSearchParameter(type, code);
    if (def === undefined) throw new UnknownSearchParameterError(`Unknown search parameter '${code}' for ${types.length === 0 ? 'all resource types' : type}`);
    found ??= def;
  }
  if (found === undefined) throw new UnknownSearchParameterError(`Unknown search parameter '${code}'`);
  return found;
}

function parseModifier(reg: SearchParameterRegistry, def: SearchParameterDefinition, code: string, raw: string | undefined): { modifier?: Modifier; typeModifier?: string } {
  if (raw === undefined) return {};
  if (def.type === 'reference' && reg.isResourceType(raw)) {
    if (def.target && !def.target.includes(raw)) throw new UnsupportedModifierError(`'${code}' cannot refer to ${raw}`);
    return { modifier: 'type', typeModifier: raw };
  }
  const allowed = MODIFIERS[def.type] ?? [];
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new UnsupportedModifierError(`Modifier ':${raw}' is not supported on ${def.type} parameter '${code}' (supported: ${allowed.map((m) => `:${m}`).join(', ') || 'none'})`);
  }
  return { modifier: raw as Modifier };
}

function parseComposite(def: SearchParameterDefinition, code: string, text: string, now: number): SearchValue {
  const components = def.component ?? [];
  const parts = splitEscaped(text, '$');
  if (parts.length !== components.length) throw new InvalidSearchValueError(`'${code}' needs ${components.length} components separated by $`);
  return { kind: 'composite', components: components.map((c, i) => parseValue(c.type, parts[i] ?? '', undefined, undefined, now)) };
}

function parseParam(reg: SearchParameterRegistry, types: readonly string[], head: string, value: string, now: number): Condition {
  const colon = head.indexOf(':');
  const code = colon < 0 ? head : head.slice(0, colon);
  const def = lookup(reg, types, code);
  const { modifier, typeModifier } = parseModifier(reg, def, code, colon < 0 ? undefined : head.slice(colon + 1));
  if (modifier === 'missing') {
    if (value !== 'true' && value !== 'false') throw new InvalidSearchValueError(`:missing takes true or false, not '${value}'`);
    return { kind: 'param', param: code, type: def.type, modifier, missing: value === 'true', values: [] };
  }
  const texts = splitEscaped(value, ',');
  if (texts.length > MAX_VALUES_PER_PARAMETER) throw new InvalidSearchValueError(`At most ${MAX_VALUES_PER_PARAMETER} values may be OR-ed in one parameter`);
  let values: SearchValue[];
  if (code === '_text' || code === '_content') values = texts.map((t) => parseValue('special', t, undefined, undefined, now));
  else if (def.type === 'composite') values = texts.map((t) => parseComposite(def, code, t, now));
  else if (def.type === 'special' && code === 'near') values = texts.map((t) => parseNear(t));
  else if (def.type === 'special') throw new InvalidSearchValueError(`'${code}' is not supported`);
  else values = texts.map((t) => parseValue(def.type, t, modifier, typeModifier, now));
  const components = def.component?.map((c) => ({ param: c.code, type: c.type }));
  const canonical = def.type === 'quantity' ? toCanonical(values) : undefined;
  return {
    kind: 'param', param: code, type: code === '_text' || code === '_content' ? 'special' : def.type, values: canonical ?? values,
    ...(modifier ? { modifier } : {}), ...(components ? { components } : {}), ...(canonical ? { canonical: true } : {}),
  };
}

/** UCUM values in canonical units, when every value has a convertible UCUM unit (search.html#quantity). */
function toCanonical(values: readonly SearchValue[]): SearchValue[] | undefined {
  const out: SearchValue[] = [];
  for (const v of values) {
    if (v.kind !== 'quantity' || v.system !== UCUM || v.code === undefined) return undefined;
    const canonical = canonicalUnit(v.code);
    if (canonical === undefined) return undefined;
    out.push({ ...v, low: v.low * canonical.factor, high: v.high * canonical.factor, code: canonical.unit });
  }
  return out;
}

/** One query parameter (name may carry modifiers, chains and _has) as a condition on `types`. */
export function parseCondition(reg: SearchParameterRegistry, types: readonly string[], name: string, value: string, now: number, depth = 0): Condition {
  if (depth > MAX_CHAIN_DEPTH) throw new InvalidSearchValueError(`Chains deeper than ${MAX_CHAIN_DEPTH} are not supported`);
  if (name.startsWith('_has:')) {
    const [, sourceType = '', param = '', ...rest] = name.split(':');
    if (!reg.isResourceType(sourceType)) throw new InvalidSearchValueError(`_has: unknown resource type '${sourceType}'`);
    const def = reg.getSearchParameter(sourceType, param);
    if (def?.type !== 'reference') throw new InvalidSearchValueError(`_has: '${param}' is not a reference parameter of ${sourceType}`);
    if (rest.length === 0) throw new InvalidSearchValueError('_has needs _has:Type:reference:parameter');
    return { kind: 'has', resourceType: sourceType, param, condition: parseCondition(reg, [sourceType], rest.join(':'), value, now, depth + 1) };
  }
  const dot = name.indexOf('.');
  if (dot < 0) return parseParam(reg, types, name, value, now);
  const head = name.slice(0, dot);
  const rest = name.slice(dot + 1);
  const colon = head.indexOf(':');
  const code = colon < 0 ? head : head.slice(0, colon);
  const def = lookup(reg, types, code);
  if (def.type !== 'reference') throw new InvalidSearchValueError(`'${code}' is not a reference parameter and cannot be chained`);
  const typeModifier = colon < 0 ? undefined : head.slice(colon + 1);
  const innerCode = (rest.split('.')[0] ?? '').split(':')[0] ?? '';
  let targetTypes: string[];
  if (typeModifier !== undefined) {
    if (!reg.isResourceType(typeModifier)) throw new UnsupportedModifierError(`Modifier ':${typeModifier}' on '${code}' is not a resource type`);
    targetTypes = [typeModifier];
  } else {
    targetTypes = (def.target ?? []).filter((t) => innerCode.startsWith('_has') || reg.getSearchParameter(t, innerCode) !== undefined);
  }
  if (targetTypes.length === 0) throw new InvalidSearchValueError(`No target of '${code}' has a parameter '${innerCode}'`);
  // With several targets, each is parsed on its own so that the inner definition is the right one.
  const targets = targetTypes.map((t) => ({ resourceType: t, condition: parseCondition(reg, [t], rest, value, now, depth + 1) }));
  return { kind: 'chain', param: code, targets };
}

function parseInclude(reg: SearchParameterRegistry, value: string, iterate: boolean, reverse: boolean, types: readonly string[]): IncludeSpec {
  if (value === '*') return { sourceType: '*', param: '*', iterate };
  const [sourceType = '', param = '', targetType] = value.split(':');
  if (!reg.isResourceType(sourceType)) throw new InvalidSearchValueError(`'${sourceType}' is not a resource type`);
  if (!reverse && !iterate && types.length > 0 && !types.includes(sourceType)) throw new InvalidSearchValueError(`_include source '${sourceType}' is not a searched type`);
  if (param !== '*') {
    const def = reg.getSearchParameter(sourceType, param);
    if (def?.type !== 'reference') throw new InvalidSearchValueError(`'${param}' is not a reference parameter of ${sourceType}`);
  }
  if (targetType !== undefined && !reg.isResourceType(targetType)) throw new InvalidSearchValueError(`'${targetType}' is not a resource type`);
  return { sourceType, param, ...(targetType !== undefined ? { targetType } : {}), iterate };
}

function parseSort(reg: SearchParameterRegistry, value: string, types: readonly string[]): SortKey[] {
  const items = value.split(',').filter((s) => s !== '');
  if (items.length > MAX_SORT_KEYS) throw new InvalidSearchValueError(`At most ${MAX_SORT_KEYS} _sort keys are supported`);
  return items.map((item) => {
    const descending = item.startsWith('-');
    const code = descending ? item.slice(1) : item;
    const def = lookup(reg, types, code);
    if (def.type === 'composite' || def.type === 'special' || code === '_text' || code === '_content') throw new InvalidSearchValueError(`Cannot sort by '${code}'`);
    return { param: code, type: def.type, descending };
  });
}

/**
 * Parses a search on `types` (one for type search; several or none for system search). Control
 * parameters: _sort, _count, _total, _include, _revinclude (and :iterate), _summary, _elements,
 * _cursor (paging). `_type` is read by the caller.
 */
export function parseSearch(types: readonly string[], params: readonly (readonly [string, string])[], options: ParseOptions): ParsedSearch {
  const now = options.now ?? Date.now();
  const reg = options.registry ?? baseSearchParameters;
  const conditions: Condition[] = [];
  const include: IncludeSpec[] = [];
  const revinclude: IncludeSpec[] = [];
  const ignored: IgnoredParameter[] = [];
  const applied: [string, string][] = [];
  let sort: SortKey[] = [];
  let count = options.defaultCount;
  let total: TotalMode = options.defaultTotal ?? 'none';
  let cursor: string | undefined;
  let summary: SummaryMode | undefined;
  let elements: string[] | undefined;

  for (const [name, value] of params) {
    try {
      const base = name.split(':')[0] ?? name;
      if (base === '_format' || base === '_pretty' || base === '_type') continue;
      if (name === '_cursor') cursor = value;
      else if (name === '_count') {
        if (!/^\d+$/.test(value)) throw new InvalidSearchValueError(`_count must be a non-negative integer, not '${value}'`);
        count = Math.min(Number(value), options.maxCount);
      } else if (name === '_total') {
        if (value !== 'none' && value !== 'estimate' && value !== 'accurate') throw new InvalidSearchValueError(`_total must be none, estimate or accurate, not '${value}'`);
        total = value;
      } else if (name === '_sort') sort = parseSort(reg, value, types);
      else if (base === '_include' || base === '_revinclude') {
        const mod = name.slice(base.length + 1);
        if (mod !== '' && mod !== 'iterate' && mod !== 'recurse') throw new UnsupportedModifierError(`Unknown modifier ':${mod}' on ${base}`);
        if (include.length + revinclude.length >= MAX_INCLUDES) throw new InvalidSearchValueError(`At most ${MAX_INCLUDES} _include and _revinclude parameters are supported`);
        const spec = parseInclude(reg, value, mod !== '', base === '_revinclude', types);
        (base === '_include' ? include : revinclude).push(spec);
      } else if (name === '_summary') {
        if (!SUMMARY_MODES.includes(value)) throw new InvalidSearchValueError(`_summary must be one of ${SUMMARY_MODES.join(', ')}, not '${value}'`);
        summary = value as SummaryMode;
      } else if (name === '_elements') {
        elements = value.split(',').map((e) => e.trim()).filter((e) => e !== '');
      } else if (name === '_list') {
        const ids = value.split(',').filter((id) => id !== '');
        // Functional lists ($current-allergies ...) need a definition of "current": not supported.
        if (ids.length === 0 || ids.some((id) => !/^[A-Za-z0-9\-.]{1,64}$/.test(id))) throw new InvalidSearchValueError(`_list takes List ids, not '${value}'`);
        conditions.push({ kind: 'list', ids });
      } else if (name === '_contained' || name === '_containedType') {
        // search.html#contained: only the default (contained resources are not searched) is supported.
        if (value !== (name === '_contained' ? 'false' : 'container')) throw new InvalidSearchValueError(`${name}=${value} is not supported`);
      } else if (CONTROL.has(base)) {
        throw new UnsupportedModifierError(`Modifiers are not allowed on ${base}`);
      } else {
        if (conditions.length >= MAX_CONDITIONS) throw new InvalidSearchValueError(`At most ${MAX_CONDITIONS} search parameters are supported in one search`);
        conditions.push(parseCondition(reg, types, name, value, now));
      }
      if (name !== '_cursor') applied.push([name, value]);
    } catch (error) {
      if (!(error instanceof InvalidSearchValueError) && !(error instanceof UnknownSearchParameterError)) throw error;
      if (options.strict || error instanceof UnsupportedModifierError) {
        throw new FhirError(error instanceof UnknownSearchParameterError ? 'UNKNOWN_SEARCH_PARAMETER' : 'INVALID_SEARCH', `${name}: ${error.message}`, { expression: [name] });
      }
      ignored.push({ name, reason: error.message });
    }
  }
  const query: SearchQuery = { resourceTypes: types, conditions, sort, count, total, include, revinclude, ...(cursor !== undefined ? { cursor } : {}) };
  return { query, ignored, applied, ...(summary !== undefined ? { summary } : {}), ...(elements !== undefined ? { elements } : {}) };
}
