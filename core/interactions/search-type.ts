import type { Bundle } from '../fhir-types';
import type { RequestContext } from '../request';
import { parseSearch } from '../search/parse-query';
import { emptySearchset, parseOptions, restrict, runSearch, type SearchRuntime } from '../search/run-search';

/**
 * https://hl7.org/fhir/R4/http.html#search, GET [base]/[type]?... and POST [base]/[type]/_search
 * (the transport merges the form body into `params`).
 */
export async function searchType(runtime: SearchRuntime, ctx: RequestContext, resourceType: string, params: readonly (readonly [string, string])[], strict: boolean): Promise<Bundle> {
  runtime.access.assertAllowed(ctx, 'search-type', resourceType);
  const parsed = parseSearch([resourceType], params, parseOptions(runtime, strict));
  const { scope, nothing } = restrict(runtime, ctx, [resourceType]);
  if (nothing) return emptySearchset();
  return runSearch(runtime, ctx, scope ? { ...parsed, query: { ...parsed.query, scope } } : parsed, resourceType);
}
