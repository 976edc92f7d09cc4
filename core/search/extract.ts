// Index extraction, once, in the core (DESIGN.md: Search, shared between backends): every R4
// search parameter of the resource's type. The expressions come pre-rewritten from the generator
// so that evaluation is synchronous (no resolve(), no `as` on collections). They run as plain
// functions compiled from the FHIRPath subset the R4 parameters use (fhirpath-compile.ts, about
// ten times faster: issue 11, BENCHMARKS.md), and with the reference engine, fhirpath.js and its
// R4 model, for anything outside that subset; `engine: 'fhirpath'` runs everything on the
// reference engine (the oracle of test/search/compiled-extraction.test.ts).
import { fhirpathEngine } from '../fhirpath-engine';
import { isJsonObject, type JsonValue, type Resource } from '../fhir-types';
import { valuesOf, type TypedValue } from './extract-values';
import type { IndexEntry } from './index-entry';
import type { SearchParameterDefinition } from './parameter-types';
import { compileSubset, OutsideSubset, rootItem, typedValues, type CompiledExpression, type CompiledItem } from './fhirpath-compile';
import { baseSearchParameters, type SearchParameterRegistry } from './parameters';
import { canonicalUnit, UCUM } from './ucum';

type Evaluator = (input: unknown) => TypedValue[];

const evaluators = new Map<string, Evaluator>();

/** FHIRPath wraps decimals and computed dates in FP_Type objects; their JSON form is the value. */
function plain(value: unknown): unknown {
  if (typeof value === 'object' && value !== null && 'toJSON' in value && typeof value.toJSON === 'function') {
    return (value.toJSON as () => unknown)();
  }
  return value;
}

function toTyped(node: unknown): TypedValue {
  if (typeof node === 'object' && node !== null && 'data' in node && node.constructor.name === 'ResourceNode') {
    const typed = node as { data: unknown; fhirNodeDataType?: unknown };
    return { data: plain(typed.data), fhirType: typeof typed.fhirNodeDataType === 'string' ? typed.fhirNodeDataType : undefined };
  }
  return { data: plain(node), fhirType: undefined };
}

/** The compiled expression, cached by its text (the same text serves every type it appears on). */
export function evaluatorFor(expression: string): Evaluator {
  let fn = evaluators.get(expression);
  if (fn === undefined) {
    // resolveInternalTypes: false keeps the FHIR type of each result (Identifier vs ContactPoint, Period vs dateTime).
    const { compile, r4Model } = fhirpathEngine();
    const compiled = compile(expression, r4Model, { resolveInternalTypes: false });
    fn = (input: unknown): TypedValue[] => {
      const result: unknown = compiled(input as Record<string, unknown>);
      return Array.isArray(result) ? result.map(toTyped) : [];
    };
    evaluators.set(expression, fn);
  }
  return fn;
}

const itemEvaluators = new Map<string, (input: unknown) => unknown[]>();

/** Like evaluatorFor but keeps the raw nodes, so that composite components evaluate with the item's type. */
function itemsFor(expression: string): (input: unknown) => unknown[] {
  let fn = itemEvaluators.get(expression);
  if (fn === undefined) {
    const { compile, r4Model } = fhirpathEngine();
    const compiled = compile(expression, r4Model, { resolveInternalTypes: false });
    fn = (input: unknown): unknown[] => {
      const result: unknown = compiled(input as Record<string, unknown>);
      return Array.isArray(result) ? result : [];
    };
    itemEvaluators.set(expression, fn);
  }
  return fn;
}

function cartesian(lists: readonly (readonly IndexEntry[])[]): IndexEntry[][] {
  let acc: IndexEntry[][] = [[]];
  for (const list of lists) {
    const next: IndexEntry[][] = [];
    for (const prefix of acc) for (const item of list) next.push([...prefix, item]);
    acc = next;
  }
  return acc;
}

/** Composite values (search.html#composite): components taken from the same item, all combinations. */
function compositeValues(code: string, def: SearchParameterDefinition, resource: Resource): IndexEntry[] {
  if (def.expression === undefined || def.component === undefined) return [];
  const out: IndexEntry[] = [];
  for (const item of itemsFor(def.expression)(resource)) {
    const lists = def.component.map((c) => evaluatorFor(c.expression)(item).flatMap((v) => valuesOf(c.type, c.code, v)));
    if (lists.some((l) => l.length === 0)) continue;
    for (const components of cartesian(lists)) out.push({ type: 'composite', param: code, components });
  }
  return out;
}

const compiledCache = new Map<string, CompiledExpression | null>();

function compiledFor(expression: string): CompiledExpression | null {
  let fn = compiledCache.get(expression);
  if (fn === undefined) {
    fn = compileSubset(expression) ?? null;
    compiledCache.set(expression, fn);
  }
  return fn;
}

/** The parameter's values through compiled expressions, or null when one is outside the subset. */
function compiledValues(code: string, def: SearchParameterDefinition, root: CompiledItem): IndexEntry[] | null {
  if (def.expression === undefined) return [];
  const main = compiledFor(def.expression);
  if (main === null) return null;
  if (def.type !== 'composite') {
    const out: IndexEntry[] = [];
    for (const value of typedValues(main([root]))) for (const entry of valuesOf(def.type, code, value)) out.push(entry);
    return out;
  }
  if (def.component === undefined) return [];
  const components = def.component.map((c) => ({ c, fn: compiledFor(c.expression) }));
  if (components.some((x) => x.fn === null)) return null;
  const out: IndexEntry[] = [];
  for (const item of main([root])) {
    const lists = components.map(({ c, fn }) => typedValues(fn === null ? [] : fn([item])).flatMap((v) => valuesOf(c.type, c.code, v)));
    if (lists.some((l) => l.length === 0)) continue;
    for (const parts of cartesian(lists)) out.push({ type: 'composite', param: code, components: parts });
  }
  return out;
}

/** The parameter's values through fhirpath.js. */
function fhirpathValues(code: string, def: SearchParameterDefinition, resource: Resource): IndexEntry[] {
  if (def.type === 'composite') return compositeValues(code, def, resource);
  if (def.expression === undefined) return [];
  const out: IndexEntry[] = [];
  for (const value of evaluatorFor(def.expression)(resource)) out.push(...valuesOf(def.type, code, value));
  return out;
}

function stripMarkup(xhtml: string): string {
  return xhtml
    .replace(/<[^>]*>/g, ' ')
    .replace(/&nbsp;/g, ' ').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}

function collectStrings(value: JsonValue, out: string[], key: string): void {
  if (typeof value === 'string') {
    out.push(key === 'div' ? stripMarkup(value) : value);
  } else if (Array.isArray(value)) {
    for (const v of value) collectStrings(v, out, key);
  } else if (isJsonObject(value)) {
    for (const [k, v] of Object.entries(value)) if (v !== undefined && k !== 'meta' && k !== 'resourceType') collectStrings(v, out, k);
  }
}

/** _text (the narrative) and _content (all text of the resource), for full-text search (search.html#text). */
function textValues(resource: Resource): IndexEntry[] {
  const out: IndexEntry[] = [];
  const text = resource['text'];
  if (isJsonObject(text) && typeof text['div'] === 'string') {
    const narrative = stripMarkup(text['div']);
    if (narrative.length > 0) out.push({ type: 'text', param: '_text', value: narrative });
  }
  const all: string[] = [];
  collectStrings(resource, all, '');
  if (all.length > 0) out.push({ type: 'text', param: '_content', value: all.join(' ') });
  return out;
}

interface PathTest {
  /** The first element name, or its exact choice key (`valueQuantity` for value.ofType(Quantity)). */
  readonly first: string;
  readonly exact: boolean;
  /** The second element name, when the path goes on with plain members. */
  readonly second?: string;
}

const testsCache = new Map<string, readonly PathTest[] | null>();

/**
 * What an expression needs to find in the resource (`Observation.value.ofType(Quantity) |
 * Observation.code` -> valueQuantity or code), or null when some part is not a plain path. A
 * resource without any of it cannot yield values: skipping those parameters saves most of the
 * evaluation cost, since most parameters of a type are absent from a given resource.
 */
function testsOf(expression: string): readonly PathTest[] | null {
  let tests = testsCache.get(expression);
  if (tests === undefined) {
    const found: PathTest[] = [];
    let ok = true;
    for (const part of expression.split(' | ')) {
      const m = /^\(?[A-Za-z]+\.([A-Za-z]+)(?:\.ofType\(([A-Za-z]+)\)|\.([A-Za-z]+)(?![A-Za-z(]))?/.exec(part.trim());
      if (m?.[1] === undefined) {
        ok = false;
        break;
      }
      const [, first, ofType, second] = m;
      if (ofType !== undefined) found.push({ first: first + ofType.charAt(0).toUpperCase() + ofType.slice(1), exact: true });
      else found.push({ first, exact: false, ...(second !== undefined ? { second } : {}) });
    }
    tests = ok ? found : null;
    testsCache.set(expression, tests);
  }
  return tests;
}

function hasChild(value: unknown, name: string): boolean {
  if (Array.isArray(value)) return value.some((v) => hasChild(v, name));
  return isJsonObject(value) && Object.keys(value).some((k) => k.startsWith(name));
}

function mayHaveValues(expression: string, resource: Resource, keys: readonly string[]): boolean {
  const tests = testsOf(expression);
  if (tests === null) return true;
  return tests.some((t) => {
    if (t.exact) return resource[t.first] !== undefined;
    // Choice elements appear as value[x] -> valueQuantity, so a prefix match is the safe test.
    const key = keys.find((k) => k.startsWith(t.first));
    if (key === undefined) return false;
    return t.second === undefined || keys.filter((k) => k.startsWith(t.first)).some((k) => hasChild(resource[k], t.second ?? ''));
  });
}

export interface ExtractOptions {
  /** `fhirpath`: every expression on fhirpath.js (the reference the compiled functions are tested against). */
  readonly engine?: 'compiled' | 'fhirpath';
}

/**
 * Index values of every search parameter of the resource's type. Throws only on programming
 * errors; a value the engine cannot interpret is skipped, not fatal (a write must not fail on it).
 */
export function extractIndexEntries(resource: Resource, registry: SearchParameterRegistry = baseSearchParameters, options: ExtractOptions = {}): IndexEntry[] {
  const out: IndexEntry[] = [];
  const keys = Object.keys(resource);
  const root = options.engine === 'fhirpath' ? undefined : rootItem(resource);
  for (const [code, def] of registry.searchParametersFor(resource.resourceType)) {
    if (def.expression !== undefined && !mayHaveValues(def.expression, resource, keys)) continue;
    try {
      let values: IndexEntry[] | null = null;
      if (root !== undefined) {
        try {
          values = compiledValues(code, def, root);
        } catch (e) {
          // Data the subset does not model (see fhirpath-compile.ts): the reference engine decides.
          if (!(e instanceof OutsideSubset)) throw e;
        }
      }
      for (const entry of values ?? fhirpathValues(code, def, resource)) out.push(entry);
    } catch {
      // The engine refused this element's data (the resource is validated before it gets here,
      // so this is an odd corner): the parameter gets no value rather than failing the write.
    }
  }
  out.push(...textValues(resource));
  return withCanonicalQuantities(out);
}

function finite(n: number): number {
  return Number.isFinite(n) ? n : n > 0 ? Number.MAX_VALUE : -Number.MAX_VALUE;
}

/** A `<param>:canonical` row beside every UCUM quantity with a convertible unit (search.html#quantity). */
function withCanonicalQuantities(entries: IndexEntry[]): IndexEntry[] {
  const extra: IndexEntry[] = [];
  for (const e of entries) {
    if (e.type !== 'quantity' || e.system !== UCUM || e.code === null) continue;
    const canonical = canonicalUnit(e.code);
    if (canonical === undefined) continue;
    const f = canonical.factor;
    extra.push({ ...e, param: `${e.param}:canonical`, value: finite(e.value * f), low: finite(e.low * f), high: finite(e.high * f), code: canonical.unit, unit: canonical.unit });
  }
  return extra.length === 0 ? entries : [...entries, ...extra];
}
