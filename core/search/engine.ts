// The SearchEngine of the core (core/search-engine.ts) over any SearchIndex backend.
import type { SearchEngine, SupportedSearchParameter } from '../search-engine';
import { searchCompartment } from '../interactions/search-compartment';
import { searchSystem } from '../interactions/search-system';
import { searchType } from '../interactions/search-type';
import { parseSearch } from './parse-query';
import { baseSearchParameters } from './parameters';
import { restrict, type SearchRuntime } from './run-search';

/**
 * Builds the engine the interactions call. Example (embedded):
 * `createSearchEngine({ index: new SqliteSearchIndex(store.database), store, access, config })`.
 */
export function createSearchEngine(runtime: SearchRuntime): SearchEngine {
  const registry = runtime.registry ?? baseSearchParameters;
  return {
    search(ctx, target, query, options) {
      if (target.compartment) return searchCompartment(runtime, ctx, target.compartment, target.resourceType, query, options.strict);
      if (target.resourceType !== undefined) return searchType(runtime, ctx, target.resourceType, query, options.strict);
      return searchSystem(runtime, ctx, query, options.strict);
    },

    async findMatches(ctx, resourceType, query, limit) {
      // Conditional interactions are strict: an unknown parameter must not widen the match
      // to every resource (http.html#cond-update).
      const params = [...new URLSearchParams(query)].filter(([name]) => !['_count', '_sort', '_total', '_include', '_revinclude', '_summary', '_elements'].includes(name));
      const parsed = parseSearch([resourceType], params, { strict: true, defaultCount: limit, maxCount: Math.max(limit, 1), defaultTotal: 'none', registry });
      const { scope, nothing } = restrict(runtime, ctx, [resourceType]);
      if (nothing) return [];
      const page = await runtime.index.search(ctx.tenant, { ...parsed.query, count: limit, ...(scope ? { scope } : {}) });
      return page.matches.map((m) => m.id);
    },

    supportedParameters(resourceType): readonly SupportedSearchParameter[] {
      return [...registry.searchParametersFor(resourceType)].map(([name, def]) => ({ name, type: def.type, ...(def.url !== undefined ? { definition: def.url } : {}) }));
    },
  };
}
