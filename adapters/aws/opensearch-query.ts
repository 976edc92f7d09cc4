// Query DSL for one search value against one nested index entry (opensearch-mappings.ts), the
// OpenSearch counterpart of the embedded backend's valueMatch (adapters/embedded/
// sqlite-search-sql.ts): prefixes as range comparisons on [low, high]
// (https://hl7.org/fhir/R4/search.html#prefix), modifiers as term, prefix and wildcard queries.
import type { Modifier, RangeValue, SearchValue } from '../../core/search/ast';

export type Dsl = Record<string, unknown>;

export const matchAll: Dsl = { match_all: {} };
export const matchNone: Dsl = { match_none: {} };

export function term(field: string, value: unknown): Dsl {
  return { term: { [field]: value } };
}

export function terms(field: string, values: readonly unknown[]): Dsl {
  return { terms: { [field]: values } };
}

export function all(filters: readonly Dsl[]): Dsl {
  return filters.length === 1 && filters[0] ? filters[0] : { bool: { filter: filters } };
}

export function any(options: readonly Dsl[]): Dsl {
  if (options.length === 0) return matchNone;
  return options.length === 1 && options[0] ? options[0] : { bool: { should: options, minimum_should_match: 1 } };
}

export function not(query: Dsl): Dsl {
  return { bool: { must_not: [query] } };
}

export function missingField(field: string): Dsl {
  return not({ exists: { field } });
}

/** An entry of list `path` whose `param` is one of `params` and that satisfies `filters`. */
export function nestedEntry(path: string, params: string | readonly string[], filters: readonly Dsl[]): Dsl {
  const param = typeof params === 'string' ? term(`${path}.param`, params) : terms(`${path}.param`, params);
  return { nested: { path, query: all([param, ...filters]) } };
}

/** Wildcard text with OpenSearch's wildcard characters taken literally. */
function wildcardEscape(value: string): string {
  return value.replace(/[\\*?]/g, (c) => `\\${c}`);
}

function wildcard(field: string, pattern: string): Dsl {
  return { wildcard: { [field]: { value: pattern } } };
}

function range(field: string, bound: 'gt' | 'gte' | 'lt' | 'lte', value: number): Dsl {
  return { range: { [field]: { [bound]: value } } };
}

/** The fields an entry's range lives in: dates use start/end, numbers and quantities low/high. */
function rangeQuery(lowField: string, highField: string, value: RangeValue): Dsl {
  const { low, high } = value;
  const eq = all([range(lowField, 'gte', low), range(highField, 'lte', high)]);
  switch (value.prefix) {
    case 'eq': return eq;
    case 'ne': return not(eq);
    case 'gt': return range(highField, 'gt', high);
    case 'lt': return range(lowField, 'lt', low);
    case 'ge': return range(highField, 'gte', low);
    case 'le': return range(lowField, 'lte', high);
    case 'sa': return range(lowField, 'gt', high);
    case 'eb': return range(highField, 'lt', low);
    case 'ap': return all([range(lowField, 'lte', high), range(highField, 'gte', low)]);
  }
}

/** Every prefix of `value`, for uri :above (the stored uri is a prefix of the searched one). */
function prefixes(value: string): string[] {
  const out: string[] = [];
  for (let i = 1; i <= value.length && i <= 1024; i++) out.push(value.slice(0, i));
  return out;
}

/**
 * Filters on one nested entry for one value. `f` names a field of the entry (for composites,
 * the component's flattened field).
 */
export function valueQuery(f: (field: string) => string, value: SearchValue, modifier: Modifier | undefined): Dsl {
  switch (value.kind) {
    case 'token': {
      const parts: Dsl[] = [];
      if (value.code !== undefined) parts.push(term(f('code'), value.code));
      if (value.system === null) parts.push(missingField(f('system')));
      else if (value.system !== undefined) parts.push(term(f('system'), value.system));
      return parts.length === 0 ? matchAll : all(parts);
    }
    case 'token-text': {
      // A word of the display or text starting with the value (search.html#token :text).
      const e = wildcardEscape(value.value);
      return any([wildcard(f('norm'), `${e}*`), wildcard(f('norm'), `* ${e}*`)]);
    }
    case 'token-code-text':
      // The code starts with the value, ignoring case (R5 search.html#modifiers :code-text).
      return { wildcard: { [f('code')]: { value: `${wildcardEscape(value.value)}*`, case_insensitive: true } } };
    case 'string':
      if (modifier === 'exact') return term(f('exact'), value.value);
      if (modifier === 'contains') return wildcard(f('value'), `*${wildcardEscape(value.value)}*`);
      return { prefix: { [f('value')]: value.value } };
    case 'date':
      return rangeQuery(f('start'), f('end'), value);
    case 'number':
      return rangeQuery(f('low'), f('high'), value);
    case 'quantity': {
      const parts: Dsl[] = [rangeQuery(f('low'), f('high'), value)];
      if (value.system !== undefined) parts.push(term(f('system'), value.system));
      // Without a system the code may be the code or the unit (search.html#quantity).
      if (value.code !== undefined) parts.push(value.system !== undefined ? term(f('code'), value.code) : any([term(f('code'), value.code), term(f('unit'), value.code)]));
      return all(parts);
    }
    case 'reference': {
      const parts: Dsl[] = [];
      if (value.id !== undefined) parts.push(term(f('targetId'), value.id));
      if (value.targetType !== undefined) parts.push(term(f('targetType'), value.targetType));
      if (value.url !== undefined) parts.push(term(f('url'), value.url));
      if (value.version !== undefined) parts.push(term(f('version'), value.version));
      return parts.length === 0 ? matchNone : all(parts);
    }
    case 'reference-identifier': {
      const parts: Dsl[] = [value.value !== undefined ? term(f('identifierValue'), value.value) : { exists: { field: f('identifierValue') } }];
      if (value.system === null) parts.push(missingField(f('identifierSystem')));
      else if (value.system !== undefined) parts.push(term(f('identifierSystem'), value.system));
      return all(parts);
    }
    case 'uri':
      if (modifier === 'below') return { prefix: { [f('value')]: value.value } };
      if (modifier === 'above') return terms(f('value'), prefixes(value.value));
      return term(f('value'), value.value);
    default:
      throw new Error(`${value.kind} values are compiled by their condition`);
  }
}
