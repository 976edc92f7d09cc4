// Walks a resource beside a compiled profile (compile-profile.ts) and reports how it fails the
// profile (https://hl7.org/fhir/R4/profiling.html): cardinality, fixed and pattern values, choice
// types, reference targets, slicing (value, pattern, type, profile and exists discriminators,
// closed slicing), extensions against their definitions, required bindings to value sets the
// registry can expand, and the profile's own invariants. Every issue has a FHIRPath location.
import { isJsonObject, type JsonValue, type OperationOutcomeIssue, type Resource } from '../../fhir-types';
import type { CompiledProfile, Discriminator, ElementNode } from './compile-profile';

/** Evaluates one invariant on `context` (a node of `resource`); true when it holds. */
export type InvariantEvaluator = (resource: Resource, context: JsonValue, expression: string) => boolean;

export interface ProfileContext {
  profile(url: string): CompiledProfile | undefined;
  /** The resource type a profile constrains (`Patient` for US Core Patient), for reference targets. */
  typeOf(profileUrl: string): string | undefined;
  /** `system|code` of every code in a value set, or undefined when it cannot be expanded here. */
  valueSetCodes(url: string): ReadonlySet<string> | undefined;
  readonly evaluate: InvariantEvaluator;
}

interface Item {
  readonly value: JsonValue;
  readonly path: string;
  /** The type suffix of a choice element (`Quantity` for valueQuantity). */
  readonly choiceType?: string;
}

const MAX_DEPTH = 12;
const PRIMITIVE_CODE_TYPES: ReadonlySet<string> = new Set(['code', 'string', 'uri']);

function deepEqual(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => deepEqual(v, b[i]));
  if (isJsonObject(a) && isJsonObject(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => deepEqual(a[k], b[k]));
  }
  return false;
}

/** pattern[x] semantics: every element of the pattern is present with the same value (profiling.html#pattern). */
export function matchesPattern(value: JsonValue | undefined, pattern: JsonValue): boolean {
  if (Array.isArray(pattern)) {
    const values = Array.isArray(value) ? value : value === undefined ? [] : [value];
    return pattern.every((p) => values.some((v) => matchesPattern(v, p)));
  }
  if (isJsonObject(pattern)) {
    if (!isJsonObject(value)) return false;
    return Object.entries(pattern).every(([k, p]) => p === undefined || matchesPattern(value[k], p));
  }
  return value === pattern;
}

function childItems(parent: JsonValue, name: string, path: string): Item[] {
  if (!isJsonObject(parent)) return [];
  const out: Item[] = [];
  const push = (value: JsonValue | undefined, at: string, choiceType?: string): void => {
    if (value === undefined || value === null) return;
    if (Array.isArray(value)) value.forEach((v, i) => { if (v !== null) out.push({ value: v, path: `${at}[${i}]`, ...(choiceType ? { choiceType } : {}) }); });
    else out.push({ value, path: at, ...(choiceType ? { choiceType } : {}) });
  };
  if (name.endsWith('[x]')) {
    const base = name.slice(0, -3);
    for (const key of Object.keys(parent)) {
      const rest = key.slice(base.length);
      if (key.startsWith(base) && /^[A-Z]/.test(rest)) push(parent[key], `${path}.${key}`, rest);
    }
  } else {
    push(parent[name], `${path}.${name}`);
  }
  return out;
}

/** Values at a discriminator path (`url`, `coding.code`, `$this`), arrays flattened. */
function valuesAt(value: JsonValue, path: string): JsonValue[] {
  let current: JsonValue[] = [value];
  for (const part of path === '$this' ? [] : path.split('.')) {
    if (part === '$this') continue;
    const next: JsonValue[] = [];
    for (const v of current) {
      if (!isJsonObject(v)) continue;
      const child = v[part];
      if (Array.isArray(child)) next.push(...child);
      else if (child !== undefined && child !== null) next.push(child);
    }
    current = next;
  }
  return current;
}

function nodeAt(node: ElementNode, path: string): ElementNode | undefined {
  let current: ElementNode | undefined = node;
  for (const part of path === '$this' ? [] : path.split('.')) {
    if (part !== '$this') current = current?.children.get(part) ?? current?.children.get(`${part}[x]`);
  }
  return current;
}

function typeName(choiceType: string): string {
  // valueString -> string (primitive types are lower case), valueQuantity -> Quantity.
  const lower = choiceType.charAt(0).toLowerCase() + choiceType.slice(1);
  return ['string', 'boolean', 'integer', 'decimal', 'uri', 'url', 'canonical', 'code', 'oid', 'id', 'uuid', 'markdown', 'base64Binary', 'instant', 'date', 'dateTime', 'time', 'positiveInt', 'unsignedInt'].includes(lower) ? lower : choiceType;
}

export class ProfileWalk {
  readonly issues: OperationOutcomeIssue[] = [];

  constructor(private readonly ctx: ProfileContext, private readonly resource: Resource) {}

  private issue(severity: 'error' | 'warning', code: string, path: string, diagnostics: string): void {
    this.issues.push({ severity, code, diagnostics, expression: [path] });
  }

  /** Checks `value` (found at `path`) against `profile`. */
  profile(profile: CompiledProfile, value: JsonValue, path: string, depth = 0): void {
    this.element(profile.root, { value, path }, depth, profile.url);
  }

  private element(node: ElementNode, item: Item, depth: number, profileUrl: string): void {
    if (depth > MAX_DEPTH) return;
    const { value, path } = item;
    if (node.fixed !== undefined && !deepEqual(value, node.fixed)) {
      this.issue('error', 'value', path, `${path} must be exactly ${JSON.stringify(node.fixed)} (${profileUrl})`);
    }
    if (node.pattern !== undefined && !matchesPattern(value, node.pattern)) {
      this.issue('error', 'value', path, `${path} must match the pattern ${JSON.stringify(node.pattern)} (${profileUrl})`);
    }
    if (item.choiceType !== undefined && node.types.length > 0 && !node.types.some((t) => t.code === typeName(item.choiceType ?? ''))) {
      this.issue('error', 'structure', path, `${path}: type ${typeName(item.choiceType)} is not allowed here by ${profileUrl} (allowed: ${node.types.map((t) => t.code).join(', ')})`);
    }
    this.binding(node, item, profileUrl);
    this.reference(node, item, profileUrl);
    for (const c of node.constraints) {
      let holds: boolean;
      try {
        holds = this.ctx.evaluate(this.resource, value, c.expression);
      } catch {
        holds = true; // An expression the engine cannot run is reported by `npm run ig -- inspect`, not held against the resource.
      }
      if (!holds) this.issue(c.severity, 'invariant', path, `${c.key}: ${c.human} (${profileUrl})`);
    }
    // A type profile (an extension's definition, a datatype profile) applies to the value too.
    for (const t of node.types) {
      if (t.profile.length === 0 || (item.choiceType !== undefined && t.code !== typeName(item.choiceType))) continue;
      const profiles = t.profile.map((url) => this.ctx.profile(url)).filter((p): p is CompiledProfile => p !== undefined);
      if (profiles.length === 1 && profiles[0] !== undefined && profiles[0].url !== profileUrl) this.element(profiles[0].root, item, depth + 1, profiles[0].url);
    }
    for (const child of node.children.values()) this.children(child, childItems(value, child.name, path), path, depth + 1, profileUrl);
  }

  private children(node: ElementNode, items: readonly Item[], parentPath: string, depth: number, profileUrl: string): void {
    const at = `${parentPath}.${node.name.replace('[x]', '')}`;
    if (items.length < node.min) this.issue('error', 'required', at, `${at}: at least ${node.min} required by ${profileUrl}, found ${items.length}`);
    if (items.length > node.max) this.issue('error', 'structure', at, `${at}: at most ${node.max} allowed by ${profileUrl}, found ${items.length}`);
    for (const item of items) this.element(node, item, depth, profileUrl);
    if (node.slices.length === 0) return;
    const discriminators = node.slicing?.discriminator ?? [];
    const matched = new Map<ElementNode, Item[]>(node.slices.map((s) => [s, []]));
    for (const item of items) {
      const slice = node.slices.find((s) => discriminators.length > 0 && discriminators.every((d) => this.inSlice(s, d, item)));
      if (slice) matched.get(slice)?.push(item);
      else if (node.slicing?.rules === 'closed') this.issue('error', 'structure', item.path, `${item.path} matches none of the slices of ${at} and the slicing is closed (${profileUrl})`);
    }
    for (const [slice, sliceItems] of matched) {
      const name = `${at}:${slice.sliceName ?? ''}`;
      if (sliceItems.length < slice.min) this.issue('error', 'required', at, `${name}: at least ${slice.min} required by ${profileUrl}, found ${sliceItems.length}`);
      if (sliceItems.length > slice.max) this.issue('error', 'structure', at, `${name}: at most ${slice.max} allowed by ${profileUrl}, found ${sliceItems.length}`);
      for (const item of sliceItems) this.element(slice, item, depth, profileUrl);
    }
  }

  private inSlice(slice: ElementNode, d: Discriminator, item: Item): boolean {
    const target = nodeAt(slice, d.path);
    const actual = valuesAt(item.value, d.path);
    switch (d.type) {
      case 'value':
      case 'pattern': {
        let expected = target?.fixed ?? target?.pattern;
        // An extension slice names its definition in type.profile; its url is that (extensibility.html).
        if (expected === undefined && d.path === 'url') expected = slice.types[0]?.profile[0];
        if (expected === undefined) return false;
        return actual.some((v) => (target?.fixed !== undefined ? deepEqual(v, expected) : matchesPattern(v, expected as JsonValue)));
      }
      case 'type': {
        const codes = (target ?? slice).types.map((t) => t.code);
        return d.path === '$this' && item.choiceType !== undefined ? codes.includes(typeName(item.choiceType)) : actual.length > 0;
      }
      case 'exists': {
        const required = (target?.min ?? 0) > 0;
        return required ? actual.length > 0 : target?.max === 0 ? actual.length === 0 : true;
      }
      case 'profile': {
        const urls = (target ?? slice).types.flatMap((t) => t.profile);
        return actual.some((v) => urls.some((url) => {
          const p = this.ctx.profile(url);
          if (!p) return false;
          const probe = new ProfileWalk(this.ctx, this.resource);
          probe.profile(p, v, item.path, MAX_DEPTH - 2);
          return probe.issues.every((i) => i.severity !== 'error');
        }));
      }
    }
  }

  /** Required bindings only (terminologies.html#required); others are advisory. */
  private binding(node: ElementNode, item: Item, profileUrl: string): void {
    if (node.binding?.strength !== 'required') return;
    const codes = this.ctx.valueSetCodes(node.binding.valueSet);
    if (codes === undefined) return;
    const { value, path } = item;
    let pairs: { system: string | undefined; code: string }[] = [];
    if (typeof value === 'string' && (item.choiceType === undefined || PRIMITIVE_CODE_TYPES.has(typeName(item.choiceType)))) pairs = [{ system: undefined, code: value }];
    else if (isJsonObject(value)) {
      const codings = Array.isArray(value['coding']) ? value['coding'].filter(isJsonObject) : [value];
      pairs = codings.filter((c) => typeof c['code'] === 'string').map((c) => ({ system: typeof c['system'] === 'string' ? c['system'] : undefined, code: String(c['code']) }));
      if (pairs.length === 0) return; // text only: nothing coded to check
    } else return;
    const ok = pairs.some((p) => (p.system !== undefined ? codes.has(`${p.system}|${p.code}`) : [...codes].some((c) => c.endsWith(`|${p.code}`))));
    if (!ok) this.issue('error', 'code-invalid', path, `${path}: ${pairs.map((p) => `${p.system ?? ''}|${p.code}`).join(', ')} is not in the value set ${node.binding.valueSet} required by ${profileUrl}`);
  }

  private reference(node: ElementNode, item: Item, profileUrl: string): void {
    const refType = node.types.find((t) => t.code === 'Reference');
    if (!refType || refType.targetProfile.length === 0 || !isJsonObject(item.value)) return;
    const types = refType.targetProfile.map((url) => this.ctx.typeOf(url));
    // A target profile this server cannot place (an R4 profile such as vitalsigns) leaves the check to the base validator.
    if (types.some((t) => t === undefined || t === 'Resource')) return;
    const allowed = new Set(types as string[]);
    const ref = item.value['reference'];
    const literal = typeof ref === 'string' ? /(?:^|\/)([A-Z][A-Za-z]+)\/[A-Za-z0-9\-.]{1,64}(?:\/_history\/[^/]+)?$/.exec(ref)?.[1] : undefined;
    const declared = typeof item.value['type'] === 'string' ? item.value['type'] : undefined;
    for (const type of [literal, declared]) {
      if (type !== undefined && !allowed.has(type)) {
        this.issue('error', 'structure', `${item.path}`, `${item.path} refers to a ${type}, but ${profileUrl} allows only ${[...allowed].join(', ')}`);
        return;
      }
    }
  }
}
