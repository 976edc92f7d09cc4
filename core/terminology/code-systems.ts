// Concept lookup and hierarchy in a CodeSystem resource (https://hl7.org/fhir/R4/codesystem.html):
// parents come from `concept` nesting and from the `subsumedBy` (or `parent`) property
// (codesystem.html#hierarchy), so both ways of writing a hierarchy are understood.
import { isJsonObject, type JsonObject, type JsonValue, type Resource } from '../fhir-types';

export interface ConceptInfo {
  readonly code: string;
  readonly display?: string;
  readonly definition?: string;
  readonly parents: readonly string[];
  readonly children: readonly string[];
}

export interface ConceptIndex {
  readonly url: string;
  readonly concepts: ReadonlyMap<string, ConceptInfo>;
  /** Whether codes are compared case-sensitively (CodeSystem.caseSensitive; true when absent). */
  readonly caseSensitive: boolean;
}

const indexes = new WeakMap<Resource, ConceptIndex>();

/** The concepts of a CodeSystem with parents and children, built once per resource object. */
export function conceptIndex(cs: Resource): ConceptIndex {
  const cached = indexes.get(cs);
  if (cached) return cached;
  const raw = new Map<string, { display?: string; definition?: string; parents: Set<string>; children: Set<string> }>();
  const visit = (list: JsonValue | undefined, parent: string | undefined): void => {
    if (!Array.isArray(list)) return;
    for (const c of list) {
      if (!isJsonObject(c) || typeof c['code'] !== 'string') continue;
      const code = c['code'];
      const entry = raw.get(code) ?? { parents: new Set<string>(), children: new Set<string>() };
      if (typeof c['display'] === 'string') entry.display = c['display'];
      if (typeof c['definition'] === 'string') entry.definition = c['definition'];
      if (parent !== undefined) entry.parents.add(parent);
      for (const p of Array.isArray(c['property']) ? c['property'].filter(isJsonObject) : []) {
        if ((p['code'] === 'subsumedBy' || p['code'] === 'parent') && typeof p['valueCode'] === 'string') entry.parents.add(p['valueCode']);
      }
      raw.set(code, entry);
      visit(c['concept'], code);
    }
  };
  visit(cs['concept'], undefined);
  for (const [code, entry] of raw) for (const p of entry.parents) raw.get(p)?.children.add(code);
  const concepts = new Map<string, ConceptInfo>();
  for (const [code, e] of raw) {
    concepts.set(code, { code, ...(e.display !== undefined ? { display: e.display } : {}), ...(e.definition !== undefined ? { definition: e.definition } : {}), parents: [...e.parents], children: [...e.children] });
  }
  const index: ConceptIndex = { url: typeof cs['url'] === 'string' ? cs['url'] : '', concepts, caseSensitive: cs['caseSensitive'] !== false };
  indexes.set(cs, index);
  return index;
}

export function findConcept(index: ConceptIndex, code: string): ConceptInfo | undefined {
  const exact = index.concepts.get(code);
  if (exact || index.caseSensitive) return exact;
  const lower = code.toLowerCase();
  for (const c of index.concepts.values()) if (c.code.toLowerCase() === lower) return c;
  return undefined;
}

/** `code` and every concept reached from it along `direction`, transitively (is-a). */
function closure(index: ConceptIndex, code: string, direction: 'children' | 'parents'): Set<string> {
  const out = new Set<string>();
  const stack = [code];
  while (stack.length > 0) {
    const next = stack.pop() ?? '';
    if (out.has(next) || !index.concepts.has(next)) continue;
    out.add(next);
    stack.push(...(index.concepts.get(next)?.[direction] ?? []));
  }
  return out;
}

/** `code` and every concept below it (is-a, transitive). */
export function descendantsOrSelf(index: ConceptIndex, code: string): Set<string> {
  return closure(index, code, 'children');
}

/** `code` and every concept above it. */
export function ancestorsOrSelf(index: ConceptIndex, code: string): Set<string> {
  return closure(index, code, 'parents');
}

/** codesystem-operation-subsumes.html: the relation of codeA to codeB. */
export function subsumption(index: ConceptIndex, a: string, b: string): 'equivalent' | 'subsumes' | 'subsumed-by' | 'not-subsumed' {
  if (a === b) return 'equivalent';
  if (descendantsOrSelf(index, a).has(b)) return 'subsumes';
  if (descendantsOrSelf(index, b).has(a)) return 'subsumed-by';
  return 'not-subsumed';
}

export function conceptJson(c: ConceptInfo): JsonObject {
  return { code: c.code, ...(c.display !== undefined ? { display: c.display } : {}) };
}
