import type { CoreDeps } from '../core-deps';
import { FhirError } from '../errors/fhir-error';
import type { Resource } from '../fhir-types';
import { applyFhirPathPatch } from '../patch/fhirpath-patch';
import { applyJsonPatch } from '../patch/json-patch';
import type { RequestContext } from '../request';
import { assertResourceType, assertValidId } from './common';
import { findConditionalMatch } from './create';
import type { InteractionResult } from './result';
import { writeVersion } from './update';

export type PatchFormat = 'json-patch' | 'fhirpath-patch';

export interface PatchOptions {
  readonly ifMatch?: string;
}

/** https://hl7.org/fhir/R4/http.html#patch: the patched resource is validated like any update. */
export async function patch(deps: CoreDeps, ctx: RequestContext, resourceType: string, id: string, format: PatchFormat, body: unknown, options: PatchOptions = {}): Promise<InteractionResult> {
  deps.access.assertAllowed(ctx, 'patch', resourceType);
  assertResourceType(deps, resourceType);
  assertValidId(id);
  const label = `${resourceType}/${id}`;
  return writeVersion(deps, ctx, resourceType, id, (current) => {
    if (!current) throw new FhirError('NOT_FOUND', `${label} is not known or was deleted`);
    const patched = format === 'json-patch' ? applyJsonPatch(current, body) : applyFhirPathPatch(current, body);
    assertIdentityKept(patched, current);
    return patched;
  }, options.ifMatch, false);
}

/** https://hl7.org/fhir/R4/http.html#patch with a search query instead of an id. */
export async function conditionalPatch(deps: CoreDeps, ctx: RequestContext, resourceType: string, query: string, format: PatchFormat, body: unknown, options: PatchOptions = {}): Promise<InteractionResult> {
  deps.access.assertAllowed(ctx, 'patch', resourceType);
  assertResourceType(deps, resourceType);
  const match = await findConditionalMatch(deps, ctx, resourceType, query);
  if (match === undefined) throw new FhirError('NOT_FOUND', `No ${resourceType} matches '${query}'`);
  return patch(deps, ctx, resourceType, match, format, body, options);
}

function assertIdentityKept(patched: Resource, current: Resource): void {
  if (patched.resourceType !== current.resourceType) {
    throw new FhirError('INVALID_PATCH', 'A patch may not change resourceType', { expression: ['resourceType'] });
  }
  if (patched.id !== current.id) {
    throw new FhirError('INVALID_PATCH', 'A patch may not change the id', { expression: [`${current.resourceType}.id`] });
  }
}
