// The SearchEngine of the core (core/search-engine.ts) over any SearchIndex backend.
import type { SearchEngine, SupportedSearchParameter } from '../search-engine';
import { searchCompartment } from '../interactions/search-compartment';
import { searchSystem } from '../interactions/search-system';
import { searchType } from '../interactions/search-type';
import { parseSearch } from './parse-query';
import { baseSearchParameters } from './parameters';
import { assertConditionsAllowed, restrict, withCodes, type SearchRuntime } from './run-search';

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
      const page = await runtime.index.search(ctx.tenant, await withCodes(runtime, ctx, { ...parsed.query, count: limit, ...(scope ? { scope } : {}) }));
      return page.matches.map((m) => m.id);
    },

    async matchKeys(ctx, resourceType, params, page) {
      runtime.access.assertAllowed(ctx, 'search-type', resourceType);
      const withPaging: (readonly [string, string])[] = [...params, ['_count', String(page.count)], ...(page.cursor !== undefined ? [['_cursor', page.cursor] as [string, string]] : [])];
      const parsed = parseSearch([resourceType], withPaging, { strict: true, defaultCount: page.count, maxCount: Math.max(page.count, 1), defaultTotal: 'none', registry });
      assertConditionsAllowed(runtime, ctx, parsed.query.conditions);
      const { scope, nothing } = restrict(runtime, ctx, [resourceType]);
      if (nothing) return { keys: [] };
      const found = await runtime.index.search(ctx.tenant, await withCodes(runtime, ctx, { ...parsed.query, include: [], revinclude: [], ...(scope ? { scope } : {}) }));
      return { keys: found.matches, ...(found.nextCursor !== undefined ? { nextCursor: found.nextCursor } : {}) };
    },

    supportedParameters(resourceType): readonly SupportedSearchParameter[] {
      return [...registry.searchParametersFor(resourceType)].map(([name, def]) => ({ name, type: def.type, ...(def.url !== undefined ? { definition: def.url } : {}) }));
    },
  };
}
