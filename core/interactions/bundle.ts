import type { CoreDeps } from '../core-deps';
import { FhirError } from '../errors/fhir-error';
import { isResource } from '../fhir-types';
import type { FhirRequest, FhirResponse, RequestContext } from '../request';
import { batch } from './batch';
import type { InteractionResult } from './result';
import { transaction } from './transaction';

export type SubRequestHandler = (req: FhirRequest) => Promise<FhirResponse>;

/** POST [base] with a batch or transaction Bundle (http.html#transaction). */
export async function processBundle(deps: CoreDeps, ctx: RequestContext, body: unknown, handle: SubRequestHandler): Promise<InteractionResult> {
  if (!isResource(body) || body.resourceType !== 'Bundle') {
    throw new FhirError('INVALID_REQUEST', 'POST to the base takes a Bundle of type batch or transaction', { expression: ['resourceType'] });
  }
  const type = body['type'];
  const entries = Array.isArray(body['entry']) ? body['entry'] : [];
  if (entries.length > deps.config.maxBundleEntries) {
    throw new FhirError('BUNDLE_TOO_LARGE', `The bundle has ${entries.length} entries; this server takes at most ${deps.config.maxBundleEntries}`, { expression: ['Bundle.entry'] });
  }
  if (type === 'batch') {
    deps.access.assertAllowed(ctx, 'batch', undefined);
    return { status: 200, resource: await batch(ctx, entries, handle) };
  }
  if (type === 'transaction') {
    deps.access.assertAllowed(ctx, 'transaction', undefined);
    return { status: 200, resource: await transaction(deps, ctx, entries, handle) };
  }
  throw new FhirError('INVALID_REQUEST', `Bundle.type must be batch or transaction, not '${String(type)}'`, { expression: ['Bundle.type'] });
}
