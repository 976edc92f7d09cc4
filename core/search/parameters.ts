// The search parameters a search may use, per type: the generated R4 table
// (core/generated/search-parameters.ts) as the base layer, with IG packages' parameters layered
// on top by the definition registry (core/registry/registry.ts). Search reads parameters only
// through a SearchParameterRegistry, so an IG parameter parses, extracts and includes like an R4 one.
// The common parameters (base Resource/DomainResource: _id, _lastUpdated, _tag, _profile,
// _security, _source, _text, _content) apply to every type (https://hl7.org/fhir/R4/search.html#all).
import { RESOURCE_TYPES, SEARCH_PARAMETERS } from '../generated/search-parameters';
import type { SearchParameterDefinition, SearchParameterTable } from './parameter-types';

export interface SearchParameterRegistry {
  /** Every concrete R4 resource type (system search without _type). */
  readonly resourceTypes: readonly string[];
  isResourceType(name: string): boolean;
  /** Every search parameter that applies to the type, common ones included. */
  searchParametersFor(resourceType: string): ReadonlyMap<string, SearchParameterDefinition>;
  getSearchParameter(resourceType: string, code: string): SearchParameterDefinition | undefined;
  /** The reference parameters of a type (for `_include=Type:*`). */
  referenceParametersOf(resourceType: string): readonly string[];
}

/** The parameters of `layers`, later layers replacing earlier ones code by code. */
export function layeredSearchParameters(layers: readonly SearchParameterTable[]): SearchParameterRegistry {
  const resourceTypeSet = new Set(RESOURCE_TYPES);
  const merged = new Map<string, ReadonlyMap<string, SearchParameterDefinition>>();
  const references = new Map<string, readonly string[]>();
  const forType = (resourceType: string): ReadonlyMap<string, SearchParameterDefinition> => {
    let map = merged.get(resourceType);
    if (map === undefined) {
      map = new Map(layers.flatMap((layer) => [...Object.entries(layer['Resource'] ?? {}), ...Object.entries(layer[resourceType] ?? {})]));
      merged.set(resourceType, map);
    }
    return map;
  };
  return {
    resourceTypes: RESOURCE_TYPES,
    isResourceType: (name) => resourceTypeSet.has(name),
    searchParametersFor: forType,
    getSearchParameter: (resourceType, code) => forType(resourceType).get(code),
    referenceParametersOf(resourceType) {
      let list = references.get(resourceType);
      if (list === undefined) {
        list = [...forType(resourceType)].filter(([, def]) => def.type === 'reference').map(([code]) => code);
        references.set(resourceType, list);
      }
      return list;
    },
  };
}

/** The R4 parameters alone: the registry's base layer, and the default where no registry is wired. */
export const baseSearchParameters: SearchParameterRegistry = layeredSearchParameters([SEARCH_PARAMETERS]);
