import type { Bundle } from './fhir-types';
import type { ResourceKey } from './ports/resource-store';
import { FhirError } from './errors/fhir-error';
import type { RequestContext } from './request';

/** Which search interaction, per https://hl7.org/fhir/R4/http.html#search. */
export interface SearchTarget {
  /** Undefined for system search. */
  readonly resourceType?: string;
  /** Compartment search, e.g. Patient/123/Observation. */
  readonly compartment?: { readonly resourceType: string; readonly id: string };
}

export interface SearchOptions {
  /** `Prefer: handling=strict` (search.html#errors). */
  readonly strict: boolean;
}

/**
 * What the interactions need from search. The implementation lives in core/search and runs on
 * a backend (SQLite, OpenSearch) through the SearchIndex port.
 */
export interface SearchEngine {
  /** Runs a search and returns a searchset Bundle. */
  search(ctx: RequestContext, target: SearchTarget, query: readonly (readonly [string, string])[], options: SearchOptions): Promise<Bundle>;
  /**
   * Ids of current resources of the type matching a conditional query string (`a=b&c=d`),
   * for conditional create, update and delete; at most `limit` of them.
   */
  findMatches(ctx: RequestContext, resourceType: string, query: string, limit: number): Promise<string[]>;
  /**
   * One page of keys of current resources of a type matching `params`, inside what the caller
   * may search (the access policy's restriction applies in the backend), in a stable order:
   * Bulk Data `_typeFilter` (export.html#_typefilter-experimental-query-parameter).
   */
  matchKeys(ctx: RequestContext, resourceType: string, params: readonly (readonly [string, string])[], page: KeyPageRequest): Promise<KeyPage>;
  /** The search parameters supported on a type, for the CapabilityStatement. */
  supportedParameters(resourceType: string): readonly SupportedSearchParameter[];
}

export interface KeyPageRequest {
  readonly count: number;
  /** Cursor of the previous KeyPage. */
  readonly cursor?: string;
}

export interface KeyPage {
  readonly keys: readonly ResourceKey[];
  readonly nextCursor?: string;
}

export interface SupportedSearchParameter {
  readonly name: string;
  readonly type: string;
  readonly definition?: string;
}

/** Used until a search backend is wired: every search answers 501, clearly. */
export const unsupportedSearchEngine: SearchEngine = {
  search: () => Promise.reject(new FhirError('NOT_IMPLEMENTED', 'Search is not available on this server')),
  findMatches: () => Promise.reject(new FhirError('NOT_IMPLEMENTED', 'Conditional interactions need search, which is not available on this server')),
  matchKeys: () => Promise.reject(new FhirError('NOT_IMPLEMENTED', 'Search is not available on this server')),
  supportedParameters: () => [],
};
