// The shape of the generated R4 terminology (core/generated/terminology.ts) and its conversion
// back to CodeSystem and ValueSet resources, so that R4, package and stored terminology are all
// handled by the same code.
import type { JsonObject, Resource } from '../fhir-types';

export type ConceptTuple = [string] | [string, string] | [string, string, ConceptTuple[]];

export interface CompactInclude {
  readonly system?: string;
  readonly concept?: readonly { readonly code: string }[];
  readonly valueSet?: readonly string[];
  readonly filter?: readonly unknown[];
}

export interface CompactTerminology {
  readonly codeSystems: Readonly<Record<string, { readonly content: string; readonly concept: readonly ConceptTuple[] }>>;
  readonly valueSets: Readonly<Record<string, { readonly include: readonly CompactInclude[]; readonly exclude?: readonly CompactInclude[] }>>;
}

function concepts(tuples: readonly ConceptTuple[]): JsonObject[] {
  return tuples.map(([code, display, children]) => ({
    code,
    ...(display !== undefined && display !== '' ? { display } : {}),
    ...(children ? { concept: concepts(children) } : {}),
  }));
}

export function codeSystemOf(url: string, compact: CompactTerminology['codeSystems'][string]): Resource {
  return { resourceType: 'CodeSystem', url, status: 'active', content: compact.content, concept: concepts(compact.concept) };
}

export function valueSetOf(url: string, compact: CompactTerminology['valueSets'][string]): Resource {
  return { resourceType: 'ValueSet', url, status: 'active', compose: JSON.parse(JSON.stringify({ include: compact.include, ...(compact.exclude ? { exclude: compact.exclude } : {}) })) as JsonObject };
}
