import type { CoreDeps } from '../core-deps';
import type { RequestContext } from '../request';
import { withBinaryData } from './binary-content';
import { assertResourceType, assertValidId } from './common';
import { respondWithVersion, type ConditionalReadHeaders } from './read';
import type { InteractionResult } from './result';

/** https://hl7.org/fhir/R4/http.html#vread */
export async function vread(deps: CoreDeps, ctx: RequestContext, resourceType: string, id: string, versionId: string, headers: ConditionalReadHeaders = {}): Promise<InteractionResult> {
  deps.access.assertAllowed(ctx, 'vread', resourceType);
  assertResourceType(deps, resourceType);
  assertValidId(id);
  assertValidId(versionId, 'versionId');
  const version = await deps.store.vread(ctx.tenant, resourceType, id, versionId);
  return respondWithVersion(deps, ctx, version && (await withBinaryData(deps, ctx, version)), `${resourceType}/${id}/_history/${versionId}`, headers);
}
