import type { CoreDeps } from '../core-deps';
import type { RequestContext } from '../request';
import { withBinaryData } from './binary-content';
import { respondWithVersion, storedVersion, type ConditionalReadHeaders } from './read';
import type { InteractionResult } from './result';

/** https://hl7.org/fhir/R4/http.html#vread */
export async function vread(deps: CoreDeps, ctx: RequestContext, resourceType: string, id: string, versionId: string, headers: ConditionalReadHeaders = {}): Promise<InteractionResult> {
  const { version, label } = await storedVersion(deps, ctx, resourceType, id, versionId);
  return respondWithVersion(deps, ctx, version && (await withBinaryData(deps, ctx, version)), label, headers);
}
