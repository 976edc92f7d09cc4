// The search backend port (DESIGN.md: Ports, SearchIndex). The core parses and validates a FHIR
// query into a SearchQuery (core/search/ast.ts); a backend runs it for one tenant and returns
// keys, never resources: the core reads the resources through the ResourceStore, in one batch.
// Every implementation passes test/search/search-cases.ts.
import type { SearchQuery } from '../search/ast';
import type { IndexEntry } from '../search/index-entry';
import type { ResourceKey } from './resource-store';

export interface SearchPage {
  /** Matches of this page, in result order. */
  readonly matches: readonly ResourceKey[];
  /** Resources added by _include / _revinclude (and :iterate), each once, none of them a match. */
  readonly included: readonly ResourceKey[];
  /** Number of matches over all pages; present when the query asked for a total. */
  readonly total?: number;
  /** Cursor of the following page, when there is one. */
  readonly nextCursor?: string;
  /** Cursor of the preceding page, when there is one. */
  readonly previousCursor?: string;
}

export interface SearchIndex {
  /**
   * Runs the query inside `tenant` only, with `query.scope` applied to matches and includes.
   * Throws FhirError INVALID_SEARCH for a cursor it did not issue.
   */
  search(tenant: string, query: SearchQuery): Promise<SearchPage>;
}

/**
 * Writing side, for backends whose index lives apart from the store (OpenSearch, fed from the
 * write path and the change stream). The embedded SQLite backend writes its index inside the
 * store's own transaction instead (adapters/embedded/sqlite-index-writer.ts).
 */
export interface SearchIndexWriter {
  /** Replaces the indexed values of a resource; ignores a version older than the indexed one. */
  index(tenant: string, resourceType: string, id: string, versionId: string, entries: readonly IndexEntry[]): Promise<void>;
  unindex(tenant: string, resourceType: string, id: string, versionId: string): Promise<void>;
}
