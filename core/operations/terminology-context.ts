import type { CoreDeps } from '../core-deps';
import { FhirError } from '../errors/fhir-error';
import type { Resource } from '../fhir-types';
import type { RequestContext } from '../request';
import { terminologyOverSearch } from '../terminology/stored-terminology';
import type { TerminologyResolver } from '../terminology/terminology';

/** The terminology a request sees: R4, the IG packages, and the tenant's stored CodeSystems/ValueSets. */
export function terminologyFor(deps: CoreDeps, ctx: RequestContext): TerminologyResolver {
  return terminologyOverSearch(deps.registry, deps.search, deps.store, ctx);
}

/** The stored resource an instance-level operation runs on (`ValueSet/[id]/$expand`). */
export async function instanceOf(deps: CoreDeps, ctx: RequestContext, resourceType: string, id: string): Promise<Resource> {
  const stored = (await deps.store.read(ctx.tenant, resourceType, id))?.resource;
  if (stored === undefined) throw new FhirError('NOT_FOUND', `${resourceType}/${id} is not known`);
  return stored;
}
