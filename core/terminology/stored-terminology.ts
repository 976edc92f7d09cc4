import type { ResourceStore } from '../ports/resource-store';
import type { DefinitionRegistry } from '../registry/registry';
import type { RequestContext } from '../request';
import type { SearchEngine } from '../search-engine';
import { createTerminology, type TerminologyResolver } from './terminology';

/**
 * The terminology a request sees: R4, the IG packages, and the tenant's stored CodeSystems and
 * ValueSets, found by canonical url through the search as the caller (so a caller who may not
 * read ValueSets cannot use a stored one either).
 */
export function terminologyOverSearch(registry: DefinitionRegistry, search: Pick<SearchEngine, 'findMatches'>, store: Pick<ResourceStore, 'read'>, ctx: RequestContext): TerminologyResolver {
  return createTerminology(registry, async (resourceType, url) => {
    const [id] = await search.findMatches(ctx, resourceType, `url=${encodeURIComponent(url)}`, 1);
    return id === undefined ? undefined : (await store.read(ctx.tenant, resourceType, id))?.resource;
  });
}
