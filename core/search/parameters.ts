// Lookup over the generated R4 search parameter table (core/generated/search-parameters.ts).
// The common parameters (base Resource/DomainResource: _id, _lastUpdated, _tag, _profile,
// _security, _source, _text, _content) apply to every type (https://hl7.org/fhir/R4/search.html#all).
import { RESOURCE_TYPES, SEARCH_PARAMETERS } from '../generated/search-parameters';
import type { SearchParameterDefinition } from './parameter-types';

const COMMON = SEARCH_PARAMETERS['Resource'] ?? {};
const resourceTypeSet = new Set(RESOURCE_TYPES);
const merged = new Map<string, ReadonlyMap<string, SearchParameterDefinition>>();

export function isKnownResourceType(resourceType: string): boolean {
  return resourceTypeSet.has(resourceType);
}

/** Every search parameter that applies to the type, common ones included. */
export function searchParametersFor(resourceType: string): ReadonlyMap<string, SearchParameterDefinition> {
  let map = merged.get(resourceType);
  if (map === undefined) {
    map = new Map([...Object.entries(COMMON), ...Object.entries(SEARCH_PARAMETERS[resourceType] ?? {})]);
    merged.set(resourceType, map);
  }
  return map;
}

export function getSearchParameter(resourceType: string, code: string): SearchParameterDefinition | undefined {
  return searchParametersFor(resourceType).get(code);
}

/** Every concrete R4 resource type (system search without _type). */
export function allResourceTypes(): readonly string[] {
  return RESOURCE_TYPES;
}

/** The reference parameters of a type (for `_include=Type:*`). */
export function referenceParametersOf(resourceType: string): string[] {
  return [...searchParametersFor(resourceType)].filter(([, def]) => def.type === 'reference').map(([code]) => code);
}
