// The codes of a value set, when the registry alone can say what they are
// (https://hl7.org/fhir/R4/valueset.html#compositions): enumerated concepts, whole code systems
// the registry holds completely, and included value sets. Filters, exclusions of whole systems
// and systems not held (SNOMED CT, LOINC, ...) make the answer unknown, never a guess.
import { isJsonObject, type JsonValue, type Resource } from '../../fhir-types';

export interface TerminologySource {
  valueSet(url: string): Resource | undefined;
  codeSystem(url: string): Resource | undefined;
}

function conceptCodes(concepts: JsonValue | undefined, system: string, out: Set<string>): void {
  if (!Array.isArray(concepts)) return;
  for (const c of concepts) {
    if (!isJsonObject(c) || typeof c['code'] !== 'string') continue;
    out.add(`${system}|${c['code']}`);
    conceptCodes(c['concept'], system, out);
  }
}

function part(source: TerminologySource, inc: Record<string, JsonValue | undefined>, depth: number): Set<string> | undefined {
  if (Array.isArray(inc['filter']) && inc['filter'].length > 0) return undefined;
  const out = new Set<string>();
  const system = typeof inc['system'] === 'string' ? inc['system'] : undefined;
  if (system !== undefined) {
    if (Array.isArray(inc['concept'])) conceptCodes(inc['concept'], system, out);
    else {
      const cs = source.codeSystem(system);
      if (cs === undefined || cs['content'] !== 'complete') return undefined;
      conceptCodes(cs['concept'], system, out);
    }
  }
  const nested = Array.isArray(inc['valueSet']) ? inc['valueSet'].filter((v): v is string => typeof v === 'string') : [];
  for (const url of nested) {
    const codes = valueSetCodes(source, url, depth + 1);
    if (codes === undefined) return undefined;
    if (system === undefined && out.size === 0 && nested.indexOf(url) === 0) for (const c of codes) out.add(c);
    else for (const c of [...out]) if (!codes.has(c)) out.delete(c); // several value sets intersect (valueset.html#compositions)
  }
  return out;
}

/** `system|code` of every code in the value set, or undefined when it cannot be known here. */
export function valueSetCodes(source: TerminologySource, url: string, depth = 0): Set<string> | undefined {
  if (depth > 8) return undefined;
  const vs = source.valueSet(url);
  if (vs === undefined) return undefined;
  const expansion = vs['expansion'];
  if (isJsonObject(expansion) && Array.isArray(expansion['contains'])) {
    const out = new Set<string>();
    const walk = (items: JsonValue | undefined): void => {
      if (!Array.isArray(items)) return;
      for (const c of items) if (isJsonObject(c)) {
        if (typeof c['system'] === 'string' && typeof c['code'] === 'string') out.add(`${c['system']}|${c['code']}`);
        walk(c['contains']);
      }
    };
    walk(expansion['contains']);
    return out;
  }
  const compose = vs['compose'];
  if (!isJsonObject(compose)) return undefined;
  const out = new Set<string>();
  for (const inc of Array.isArray(compose['include']) ? compose['include'].filter(isJsonObject) : []) {
    const codes = part(source, inc, depth);
    if (codes === undefined) return undefined;
    for (const c of codes) out.add(c);
  }
  for (const exc of Array.isArray(compose['exclude']) ? compose['exclude'].filter(isJsonObject) : []) {
    const codes = part(source, exc, depth);
    if (codes === undefined) return undefined;
    for (const c of codes) out.delete(c);
  }
  return out;
}
