// Where code systems and value sets come from, in order: the IG packages (registry), the R4
// definitions (generated, imported on first use), and CodeSystem/ValueSet resources stored on the
// server. Large external terminologies are not bundled: asking for them is a clear "not
// available", never an empty or made-up answer (issue 14, Terminology).
import { FhirError } from '../errors/fhir-error';
import { isJsonObject, type JsonObject, type Resource } from '../fhir-types';
import type { DefinitionRegistry } from '../registry/registry';
import { conceptIndex, descendantsOrSelf } from './code-systems';
import { codeSystemOf, valueSetOf, type CompactTerminology } from './compact';

/** SNOMED CT, LOINC and RxNorm: licensed or too large to ship; stated in the CapabilityStatement. */
export const EXTERNAL_CODE_SYSTEMS: Readonly<Record<string, string>> = {
  'http://snomed.info/sct': 'SNOMED CT',
  'http://loinc.org': 'LOINC',
  'http://www.nlm.nih.gov/research/umls/rxnorm': 'RxNorm',
};

export interface TerminologyResolver {
  codeSystem(url: string): Promise<Resource | undefined>;
  valueSet(url: string): Promise<Resource | undefined>;
}

export interface ExpansionItem {
  readonly system: string;
  readonly code: string;
  readonly display?: string;
}

/** A stored resource of the type with this canonical url, if any. */
export type StoredCanonical = (resourceType: 'CodeSystem' | 'ValueSet', url: string) => Promise<Resource | undefined>;

let r4: Promise<CompactTerminology> | undefined;
/** The generated R4 terminology (0.8 MB), imported once, on first use. */
function r4Terminology(): Promise<CompactTerminology> {
  r4 ??= import('../generated/terminology').then((m) => m.TERMINOLOGY);
  return r4;
}

function stripVersion(url: string): string {
  const bar = url.indexOf('|');
  return bar < 0 ? url : url.slice(0, bar);
}

export function notAvailable(system: string): FhirError {
  const name = EXTERNAL_CODE_SYSTEMS[system];
  return new FhirError('NOT_IMPLEMENTED', name !== undefined
    ? `${name} (${system}) is not available on this server: it is not bundled, so codes from it can be neither expanded nor validated`
    : `The code system ${system} is not available on this server (not in R4, the loaded IG packages, or the stored CodeSystems)`);
}

/** R4 resources rebuilt from the compact table once each (their concept indexes are cached per object). */
const r4Cs = new Map<string, Resource>();
const r4Vs = new Map<string, Resource>();

export function createTerminology(registry: DefinitionRegistry, stored: StoredCanonical): TerminologyResolver {
  return {
    async codeSystem(url) {
      const key = stripVersion(url);
      const fromPackage = registry.codeSystem(key);
      if (fromPackage) return fromPackage;
      const compact = (await r4Terminology()).codeSystems[key];
      if (compact) {
        if (!r4Cs.has(key)) r4Cs.set(key, codeSystemOf(key, compact));
        return r4Cs.get(key);
      }
      return stored('CodeSystem', key);
    },
    async valueSet(url) {
      const key = stripVersion(url);
      const fromPackage = registry.valueSet(key);
      if (fromPackage) return fromPackage;
      const compact = (await r4Terminology()).valueSets[key];
      if (compact) {
        if (!r4Vs.has(key)) r4Vs.set(key, valueSetOf(key, compact));
        return r4Vs.get(key);
      }
      return stored('ValueSet', key);
    },
  };
}

async function includePart(resolver: TerminologyResolver, inc: JsonObject, depth: number): Promise<ExpansionItem[]> {
  const system = typeof inc['system'] === 'string' ? inc['system'] : undefined;
  let items: ExpansionItem[] | undefined;
  if (system !== undefined) {
    const listed = Array.isArray(inc['concept']) ? inc['concept'].filter(isJsonObject) : undefined;
    // Listed concepts are the expansion (valueset.html#compositions) even from a code system not
    // on this server; a filter or a whole system needs the code system itself.
    if (listed === undefined && EXTERNAL_CODE_SYSTEMS[system] !== undefined) throw notAvailable(system);
    const cs = EXTERNAL_CODE_SYSTEMS[system] !== undefined ? undefined : await resolver.codeSystem(system);
    const index = cs ? conceptIndex(cs) : undefined;
    if (listed) {
      items = listed.filter((c) => typeof c['code'] === 'string').map((c) => {
        const code = String(c['code']);
        const display = typeof c['display'] === 'string' ? c['display'] : index?.concepts.get(code)?.display;
        return { system, code, ...(display !== undefined ? { display } : {}) };
      });
    } else {
      if (!index) throw notAvailable(system);
      let codes: Set<string> = new Set(index.concepts.keys());
      for (const f of Array.isArray(inc['filter']) ? inc['filter'].filter(isJsonObject) : []) {
        const op = String(f['op']);
        const value = String(f['value']);
        if ((f['property'] !== 'concept' && f['property'] !== 'code') || !['is-a', 'descendent-of', 'is-not-a'].includes(op)) {
          throw new FhirError('NOT_IMPLEMENTED', `The value set filter ${String(f['property'])} ${op} ${value} on ${system} is not supported by this server`);
        }
        const below = descendantsOrSelf(index, value);
        if (op === 'descendent-of') below.delete(value);
        codes = new Set([...codes].filter((c) => (op === 'is-not-a' ? !below.has(c) : below.has(c))));
      }
      items = [...codes].map((code) => {
        const display = index.concepts.get(code)?.display;
        return { system, code, ...(display !== undefined ? { display } : {}) };
      });
    }
  }
  for (const url of Array.isArray(inc['valueSet']) ? inc['valueSet'].filter((v): v is string => typeof v === 'string') : []) {
    const nested = await expandUrl(resolver, url, depth + 1);
    const keys = new Set(nested.map((i) => `${i.system}|${i.code}`));
    items = items === undefined ? nested : items.filter((i) => keys.has(`${i.system}|${i.code}`));
  }
  return items ?? [];
}

/** Every code of the value set (valueset.html#expansion); throws FhirError when it cannot be known here. */
export async function expandValueSet(resolver: TerminologyResolver, vs: Resource, depth = 0): Promise<ExpansionItem[]> {
  if (depth > 10) throw new FhirError('NOT_IMPLEMENTED', 'Value sets nested more than 10 deep are not expanded');
  const compose = vs['compose'];
  if (!isJsonObject(compose)) {
    const expansion = vs['expansion'];
    if (isJsonObject(expansion) && Array.isArray(expansion['contains'])) {
      return expansion['contains'].filter(isJsonObject).filter((c) => typeof c['code'] === 'string').map((c) => ({ system: String(c['system'] ?? ''), code: String(c['code']), ...(typeof c['display'] === 'string' ? { display: c['display'] } : {}) }));
    }
    throw new FhirError('INVALID_REQUEST', `The value set ${String(vs['url'] ?? vs.id ?? '')} has neither compose nor expansion`, { expression: ['ValueSet.compose'] });
  }
  const seen = new Map<string, ExpansionItem>();
  for (const inc of Array.isArray(compose['include']) ? compose['include'].filter(isJsonObject) : []) {
    for (const item of await includePart(resolver, inc, depth)) if (!seen.has(`${item.system}|${item.code}`)) seen.set(`${item.system}|${item.code}`, item);
  }
  for (const exc of Array.isArray(compose['exclude']) ? compose['exclude'].filter(isJsonObject) : []) {
    for (const item of await includePart(resolver, exc, depth)) seen.delete(`${item.system}|${item.code}`);
  }
  return [...seen.values()];
}

export async function expandUrl(resolver: TerminologyResolver, url: string, depth = 0): Promise<ExpansionItem[]> {
  const vs = await resolver.valueSet(url);
  if (!vs) throw new FhirError('NOT_FOUND', `The value set ${url} is not known to this server`, { expression: ['url'] });
  return expandValueSet(resolver, vs, depth);
}
