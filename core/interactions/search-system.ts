import { FhirError } from '../errors/fhir-error';
import type { Bundle } from '../fhir-types';
import type { RequestContext } from '../request';
import { baseSearchParameters } from '../search/parameters';
import { parseSearch } from '../search/parse-query';
import { emptySearchset, parseOptions, restrict, runSearch, type SearchRuntime } from '../search/run-search';

/**
 * https://hl7.org/fhir/R4/http.html#search, GET [base]?_type=A,B&... : the types of `_type`
 * (every type when absent, where only the common parameters apply; search.html#all).
 */
export async function searchSystem(runtime: SearchRuntime, ctx: RequestContext, params: readonly (readonly [string, string])[], strict: boolean): Promise<Bundle> {
  runtime.access.assertAllowed(ctx, 'search-system', undefined);
  const types: string[] = [];
  for (const [name, value] of params) {
    if (name !== '_type') continue;
    for (const type of value.split(',').map((t) => t.trim()).filter((t) => t !== '')) {
      if (!(runtime.registry ?? baseSearchParameters).isResourceType(type)) throw new FhirError('INVALID_SEARCH', `_type: '${type}' is not a FHIR R4 resource type`, { expression: ['_type'] });
      runtime.access.assertAllowed(ctx, 'search-type', type);
      if (!types.includes(type)) types.push(type);
    }
  }
  // Parameters are checked against the types asked for; the restriction may narrow them after.
  const parsed = parseSearch(types, params, parseOptions(runtime, strict));
  const restricted = restrict(runtime, ctx, types);
  if (restricted.nothing) return emptySearchset();
  const applied = types.length > 0 ? [['_type', types.join(',')] as const, ...parsed.applied] : parsed.applied;
  const query = { ...parsed.query, resourceTypes: restricted.types, ...(restricted.scope ? { scope: restricted.scope } : {}) };
  return runSearch(runtime, ctx, { ...parsed, applied, query }, '');
}
