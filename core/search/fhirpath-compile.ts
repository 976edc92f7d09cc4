// Search parameter expressions compiled into plain functions (issue 11). The R4 SearchParameter
// expressions use a small part of FHIRPath (https://hl7.org/fhirpath/N1/): member paths over the
// R4 model (choice elements included), `|` union, `ofType(T)`, `where(...)` with `or`/`and`,
// `=`, `startsWith` and `contains` on strings, and `[n]`. This module parses that subset once
// and turns it into closures over the JSON, typed from the generated R4 model
// (core/validation/model.ts), so index extraction no longer walks fhirpath.js's interpreter.
// compileSubset returns undefined for anything outside the subset, and a compiled function
// throws OutsideSubset when the data holds what the subset does not model (an element the model
// does not know, a multi-item operand): the caller then uses fhirpath.js for that expression.
// test/search/compiled-extraction.test.ts holds every R4 parameter to fhirpath.js's results.
import { getTypeDefinition, isResourceType, type TypeDefinition } from '../validation/model';
import type { TypedValue } from './extract-values';

export class OutsideSubset extends Error {}

interface Item {
  readonly data: unknown;
  /** The FHIR type code of the element (`HumanName`, `dateTime`, `BackboneElement`). */
  readonly type: string;
  /** The element's structure, for navigation: undefined for primitives. */
  readonly def: TypeDefinition | undefined;
}

type Step = (items: readonly Item[]) => Item[];
/** FHIRPath three-valued logic: true, false or empty (undefined). */
type Predicate = (item: Item) => boolean | undefined;

/**
 * Specialisations that `ofType` accepts for a base type: FHIR R4 primitives derive from uri,
 * string and integer (datatypes.html#primitive), the Quantity profiles from Quantity
 * (datatypes.html#quantity); fhirpath.js's `ofType` follows the same hierarchy.
 */
const SUBTYPES: Readonly<Record<string, readonly string[]>> = {
  uri: ['url', 'canonical', 'oid', 'uuid'],
  string: ['code', 'id', 'markdown'],
  integer: ['positiveInt', 'unsignedInt'],
  Quantity: ['Age', 'Count', 'Distance', 'Duration', 'MoneyQuantity', 'SimpleQuantity'],
};

/** FHIRPath system types as `ofType` arguments: fhirpath.js matches System.DateTime to FHIR dateTime. */
const SYSTEM_TYPES: Readonly<Record<string, string>> = { DateTime: 'dateTime' };

function isOfType(type: string, wanted: string): boolean {
  return type === wanted || (SUBTYPES[wanted]?.includes(type) ?? false);
}

const KNOWN_TYPE = /^(?:[a-z][A-Za-z]*|[A-Z][A-Za-z]*)$/;

function defOf(type: string, data: unknown): TypeDefinition | undefined {
  if (type === 'Resource') {
    const rt = typeof data === 'object' && data !== null ? (data as { resourceType?: unknown }).resourceType : undefined;
    return typeof rt === 'string' ? getTypeDefinition(rt) : undefined;
  }
  return getTypeDefinition(type);
}

function push(out: Item[], value: unknown, type: string, def: TypeDefinition | undefined): void {
  // A primitive with only its `_name` sibling, or a null placeholder in an array, has no value:
  // it yields no index value either way.
  if (value === undefined || value === null) return;
  if (Array.isArray(value)) {
    for (const v of value) push(out, v, type, def);
    return;
  }
  out.push({ data: value, type, def: def ?? (typeof value === 'object' ? defOf(type, value) : undefined) });
}

function member(name: string): Step {
  return (items) => {
    const out: Item[] = [];
    for (const item of items) {
      const { def, data } = item;
      if (typeof data !== 'object' || data === null) continue;
      const element = def?.elements.get(name) ?? def?.elements.get(`${name}[x]`);
      if (element === undefined) {
        if ((data as Record<string, unknown>)[name] !== undefined || def === undefined) throw new OutsideSubset(name);
        continue;
      }
      const record = data as Record<string, unknown>;
      for (let i = 0; i < element.types.length; i++) {
        const value = record[element.jsonNames[i] ?? name];
        if (value !== undefined) push(out, value, (element.types[i] as { code: string }).code, element.children);
      }
    }
    return out;
  };
}

function typeFilter(name: string): Step {
  return (items) => items.filter((item) => {
    const rt = (item.data as { resourceType?: unknown }).resourceType;
    return name === 'Resource' || name === 'DomainResource' ? typeof rt === 'string' : rt === name;
  });
}

/** union: distinct items by value (fhirpath `|`, https://hl7.org/fhirpath/N1/#unionother-collection). */
function stableKey(value: unknown): string {
  if (typeof value !== 'object' || value === null) return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(stableKey).join(',')}]`;
  const record = value as Record<string, unknown>;
  return `{${Object.keys(record).sort().map((k) => `${JSON.stringify(k)}:${stableKey(record[k])}`).join(',')}}`;
}

function distinct(items: readonly Item[]): Item[] {
  if (items.length < 2) return [...items];
  const seen = new Set<unknown>();
  const out: Item[] = [];
  for (const item of items) {
    // The same JSON node reached twice is the common duplicate; content equality needs the key.
    if (seen.has(item.data)) continue;
    const key = typeof item.data === 'object' ? stableKey(item.data) : `${typeof item.data}:${String(item.data)}`;
    if (seen.has(key)) continue;
    seen.add(item.data);
    seen.add(key);
    out.push(item);
  }
  return out;
}

/** A tokenizer for the subset: identifiers, string literals, integers and punctuation. */
function tokenize(text: string): string[] | undefined {
  const tokens: string[] = [];
  const re = /\s*(?:([A-Za-z_][A-Za-z0-9_]*)|('(?:[^'\\]|\\.)*')|(\d+)|(!=|[.|()[\]=]))/y;
  let at = 0;
  while (at < text.length) {
    if (/^\s*$/.test(text.slice(at))) break;
    re.lastIndex = at;
    const m = re.exec(text);
    if (m === null) return undefined;
    tokens.push((m[1] ?? m[2] ?? m[3] ?? m[4]) as string);
    at = re.lastIndex;
  }
  return tokens;
}

class Parser {
  private at = 0;

  constructor(private readonly tokens: readonly string[]) {}

  done(): boolean {
    return this.at >= this.tokens.length;
  }

  private peek(): string | undefined {
    return this.tokens[this.at];
  }

  private take(expected?: string): string {
    const t = this.tokens[this.at];
    if (t === undefined || (expected !== undefined && t !== expected)) throw new OutsideSubset(`expected ${expected ?? 'token'}`);
    this.at += 1;
    return t;
  }

  /** union := path ('|' path)* */
  union(): Step {
    const paths = [this.path(true)];
    while (this.peek() === '|') {
      this.take('|');
      paths.push(this.path(true));
    }
    if (paths.length === 1) return paths[0] as Step;
    return (items) => distinct(paths.flatMap((p) => p(items)));
  }

  /** path := identifier ('.' invocation | '[' n ']')*; the first identifier may name the type. */
  path(atRoot: boolean): Step {
    const steps: Step[] = [];
    const first = this.take();
    if (!/^[A-Za-z]/.test(first)) throw new OutsideSubset(first);
    steps.push(atRoot && (isResourceType(first) || first === 'Resource' || first === 'DomainResource') ? typeFilter(first) : member(first));
    for (;;) {
      const next = this.peek();
      if (next === '.') {
        this.take('.');
        const name = this.take();
        if (this.peek() === '(') steps.push(this.call(name));
        else steps.push(member(name));
      } else if (next === '[') {
        this.take('[');
        const n = Number(this.take());
        this.take(']');
        if (!Number.isInteger(n)) throw new OutsideSubset('index');
        steps.push((items) => (items[n] === undefined ? [] : [items[n] as Item]));
      } else {
        break;
      }
    }
    return (items) => {
      let acc = items as Item[];
      for (const step of steps) acc = step(acc);
      return acc;
    };
  }

  private call(name: string): Step {
    this.take('(');
    if (name === 'ofType') {
      const named = this.take();
      const type = SYSTEM_TYPES[named] ?? named;
      if (!KNOWN_TYPE.test(type) || (getTypeDefinition(type) === undefined && !/^[a-z]/.test(type))) throw new OutsideSubset(type);
      this.take(')');
      return (items) => items.filter((item) => isOfType(item.type, type));
    }
    if (name === 'where') {
      const predicate = this.or();
      this.take(')');
      return (items) => items.filter((item) => predicate(item) === true);
    }
    throw new OutsideSubset(name);
  }

  private or(): Predicate {
    let left = this.and();
    while (this.peek() === 'or') {
      this.take('or');
      const l = left;
      const r = this.and();
      left = (item) => {
        const a = l(item);
        if (a === true) return true;
        const b = r(item);
        if (b === true) return true;
        return a === false && b === false ? false : undefined;
      };
    }
    return left;
  }

  private and(): Predicate {
    let left = this.comparison();
    while (this.peek() === 'and') {
      this.take('and');
      const l = left;
      const r = this.comparison();
      left = (item) => {
        const a = l(item);
        if (a === false) return false;
        const b = r(item);
        if (b === false) return false;
        return a === true && b === true ? true : undefined;
      };
    }
    return left;
  }

  /** path = 'text' | path != 'text' | path.startsWith('text') | path.contains('text') */
  private comparison(): Predicate {
    const steps: Step[] = [];
    let test: ((s: string) => boolean) | undefined;
    steps.push(member(this.take()));
    while (this.peek() === '.') {
      this.take('.');
      const name = this.take();
      if (this.peek() === '(') {
        if (name !== 'startsWith' && name !== 'contains') throw new OutsideSubset(name);
        this.take('(');
        const literal = stringLiteral(this.take());
        this.take(')');
        test = name === 'startsWith' ? (s) => s.startsWith(literal) : (s) => s.includes(literal);
        break;
      }
      steps.push(member(name));
    }
    const op = this.peek();
    if (test === undefined && (op === '=' || op === '!=')) {
      this.take();
      const literal = stringLiteral(this.take());
      test = op === '=' ? (s) => s === literal : (s) => s !== literal;
    }
    if (test === undefined) throw new OutsideSubset('predicate');
    const check = test;
    return (item) => {
      let values: Item[] = [item];
      for (const step of steps) values = step(values);
      if (values.length === 0) return undefined;
      const value = values[0]?.data;
      // Several items, or a non-string, is where fhirpath.js raises or converts: leave it to it.
      if (values.length > 1 || typeof value !== 'string') throw new OutsideSubset('operand');
      return check(value);
    };
  }
}

function stringLiteral(token: string): string {
  if (!token.startsWith("'") || token.includes('\\')) throw new OutsideSubset(token);
  return token.slice(1, -1);
}

/** A node of a compiled evaluation: the JSON value with its FHIR type and structure. */
export type CompiledItem = Item;

export type CompiledExpression = (items: readonly CompiledItem[]) => CompiledItem[];

/** The resource as the root of an evaluation. */
export function rootItem(resource: { readonly resourceType: string }): CompiledItem {
  return { data: resource, type: resource.resourceType, def: getTypeDefinition(resource.resourceType) };
}

export function typedValues(items: readonly CompiledItem[]): TypedValue[] {
  return items.map((item) => ({ data: item.data, fhirType: item.type }));
}

/** The expression as a function over items, or undefined when it is outside the subset. */
export function compileSubset(expression: string): CompiledExpression | undefined {
  const tokens = tokenize(expression);
  if (tokens === undefined) return undefined;
  try {
    const parser = new Parser(tokens);
    const step = parser.union();
    return parser.done() ? step : undefined;
  } catch (e) {
    if (e instanceof OutsideSubset) return undefined;
    throw e;
  }
}
