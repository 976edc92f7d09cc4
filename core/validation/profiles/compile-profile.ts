// A StructureDefinition's snapshot compiled once into a tree of element rules
// (https://hl7.org/fhir/R4/elementdefinition.html, profiling.html): children by name, slices by
// sliceName under the sliced element. The tree is what validate-profile.ts walks beside the
// resource; compiling is done once per profile URL (profile-validator.ts caches it).
import { isJsonObject, type JsonObject, type JsonValue, type Resource } from '../../fhir-types';

export interface ElementType {
  readonly code: string;
  readonly profile: readonly string[];
  readonly targetProfile: readonly string[];
}

export interface Discriminator {
  readonly type: 'value' | 'pattern' | 'type' | 'profile' | 'exists';
  readonly path: string;
}

export interface Constraint {
  readonly key: string;
  readonly severity: 'error' | 'warning';
  readonly human: string;
  readonly expression: string;
}

export interface ElementNode {
  readonly id: string;
  /** Element name in its parent (`extension`, `value[x]`). */
  readonly name: string;
  readonly sliceName?: string;
  readonly min: number;
  readonly max: number;
  readonly types: readonly ElementType[];
  /** fixed[x] or pattern[x], with which of the two it is. */
  readonly fixed?: JsonValue;
  readonly pattern?: JsonValue;
  readonly binding?: { readonly strength: string; readonly valueSet: string };
  readonly constraints: readonly Constraint[];
  readonly slicing?: { readonly discriminator: readonly Discriminator[]; readonly rules: string };
  readonly children: Map<string, ElementNode>;
  readonly slices: ElementNode[];
}

export interface CompiledProfile {
  readonly url: string;
  readonly type: string;
  readonly root: ElementNode;
  /** Features of the snapshot this server does not check (reported by `npm run ig -- inspect`). */
  readonly unsupported: readonly string[];
}

const DISCRIMINATORS: ReadonlySet<string> = new Set(['value', 'pattern', 'type', 'profile', 'exists']);

function strings(value: JsonValue | undefined): string[] {
  return Array.isArray(value) ? value.filter((s): s is string => typeof s === 'string') : [];
}

function prefixed(def: JsonObject, prefix: string): JsonValue | undefined {
  for (const [key, value] of Object.entries(def)) if (key.startsWith(prefix) && key.length > prefix.length && value !== undefined) return value;
  return undefined;
}

/** The base R4 invariants are the core validator's (iss9a); a profile's own ones are checked here. */
function isBaseConstraint(source: string | undefined, profileUrl: string): boolean {
  if (source === undefined || source === profileUrl) return false;
  return source.startsWith('http://hl7.org/fhir/StructureDefinition/');
}

function nodeOf(def: JsonObject, profileUrl: string, unsupported: string[]): ElementNode {
  const id = typeof def['id'] === 'string' ? def['id'] : String(def['path']);
  const last = id.split('.').pop() ?? id;
  const colon = last.indexOf(':');
  const max = def['max'] === '*' ? Number.POSITIVE_INFINITY : Number(def['max'] ?? Number.POSITIVE_INFINITY);
  const types = (Array.isArray(def['type']) ? def['type'].filter(isJsonObject) : []).map((t) => ({
    code: typeof t['code'] === 'string' ? t['code'] : '',
    profile: strings(t['profile']),
    targetProfile: strings(t['targetProfile']),
  }));
  const constraints: Constraint[] = [];
  for (const c of Array.isArray(def['constraint']) ? def['constraint'].filter(isJsonObject) : []) {
    const source = typeof c['source'] === 'string' ? c['source'] : undefined;
    if (isBaseConstraint(source, profileUrl) || typeof c['expression'] !== 'string') continue;
    constraints.push({ key: String(c['key']), severity: c['severity'] === 'warning' ? 'warning' : 'error', human: String(c['human'] ?? ''), expression: c['expression'] });
  }
  let slicing: ElementNode['slicing'];
  if (isJsonObject(def['slicing'])) {
    const discriminator: Discriminator[] = [];
    for (const d of Array.isArray(def['slicing']['discriminator']) ? def['slicing']['discriminator'].filter(isJsonObject) : []) {
      const type = String(d['type']);
      if (DISCRIMINATORS.has(type)) discriminator.push({ type: type as Discriminator['type'], path: String(d['path']) });
      else unsupported.push(`${id}: slicing discriminator type ${type}`);
    }
    slicing = { discriminator, rules: String(def['slicing']['rules'] ?? 'open') };
  }
  const binding = isJsonObject(def['binding']) && typeof def['binding']['valueSet'] === 'string'
    ? { strength: String(def['binding']['strength']), valueSet: def['binding']['valueSet'] }
    : undefined;
  const fixed = prefixed(def, 'fixed');
  const pattern = prefixed(def, 'pattern');
  return {
    id,
    name: colon < 0 ? last : last.slice(0, colon),
    ...(colon >= 0 ? { sliceName: last.slice(colon + 1) } : {}),
    min: Number(def['min'] ?? 0),
    max,
    types,
    ...(fixed !== undefined ? { fixed } : {}),
    ...(pattern !== undefined ? { pattern } : {}),
    ...(binding ? { binding } : {}),
    constraints,
    ...(slicing ? { slicing } : {}),
    children: new Map(),
    slices: [],
  };
}

/** Splits an element id on `.` outside slice names (`Observation.component:systolic.code`). */
function segments(id: string): string[] {
  return id.split('.');
}

function step(node: ElementNode, segment: string): ElementNode | undefined {
  const colon = segment.indexOf(':');
  const name = colon < 0 ? segment : segment.slice(0, colon);
  const child = node.children.get(name);
  if (colon < 0) return child;
  const sliceName = segment.slice(colon + 1);
  return child?.slices.find((s) => s.sliceName === sliceName);
}

/** Compiles the snapshot; a StructureDefinition without one cannot be enforced and returns undefined. */
export function compileProfile(sd: Resource): CompiledProfile | undefined {
  const url = typeof sd['url'] === 'string' ? sd['url'] : '';
  const snapshot = sd['snapshot'];
  const elements = isJsonObject(snapshot) && Array.isArray(snapshot['element']) ? snapshot['element'].filter(isJsonObject) : [];
  const [first, ...rest] = elements;
  if (first === undefined) return undefined;
  const unsupported: string[] = [];
  const root = nodeOf(first, url, unsupported);
  for (const def of rest) {
    const node = nodeOf(def, url, unsupported);
    const parts = segments(node.id);
    let parent: ElementNode | undefined = root;
    for (const segment of parts.slice(1, -1)) parent = parent ? step(parent, segment) : undefined;
    if (parent === undefined) {
      unsupported.push(`${node.id}: no parent element in the snapshot`);
      continue;
    }
    if (node.sliceName !== undefined) {
      const sliced = parent.children.get(node.name);
      if (sliced) sliced.slices.push(node);
      else unsupported.push(`${node.id}: slice without its sliced element`);
    } else {
      parent.children.set(node.name, node);
    }
  }
  return { url, type: typeof sd['type'] === 'string' ? sd['type'] : root.id, root, unsupported };
}
