import type { CoreDeps } from '../core-deps';
import { FhirError } from '../errors/fhir-error';
import { isJsonObject, isResource, type OperationOutcome, type Resource } from '../fhir-types';
import { assertResourceType, assertValidId } from '../interactions/common';
import type { InteractionResult } from '../interactions/result';
import type { RequestContext } from '../request';
import { validationIssues } from '../validation/validate-resource';

/**
 * Resource/$validate (https://hl7.org/fhir/R4/resource-operation-validate.html): checks a resource
 * against the R4 definitions without storing it. The answer is 200 with an OperationOutcome
 * whether or not the resource is valid; 4xx means the validation itself could not run.
 * Accepts the resource itself or a Parameters with `resource` (and optional `mode` and `profile`);
 * `profile` may also be a URL parameter. Profile issues come with the R4 ones, warnings included.
 */
export async function validateOperation(deps: CoreDeps, ctx: RequestContext, resourceType: string | undefined, id: string | undefined, body: unknown, query: readonly (readonly [string, string])[] = []): Promise<InteractionResult> {
  if (resourceType !== undefined) assertResourceType(deps, resourceType);
  if (id !== undefined) assertValidId(id);
  deps.access.assertAllowed(ctx, 'operation', resourceType);
  const { resource, mode, profiles } = unwrap(body);
  for (const [name, value] of query) if (name === 'profile') profiles.push(value);
  if (mode === 'delete') {
    if (resourceType === undefined || id === undefined) throw new FhirError('INVALID_REQUEST', 'mode=delete validates an existing resource: use [base]/Type/id/$validate', { expression: ['Parameters.parameter'] });
    const current = await deps.store.read(ctx.tenant, resourceType, id);
    return { status: 200, resource: current?.resource ? informational(`${resourceType}/${id} may be deleted`) : informational(`${resourceType}/${id} does not exist; a delete would change nothing`) };
  }
  if (resource === undefined) throw new FhirError('INVALID_REQUEST', '$validate needs a resource: the body itself or Parameters.parameter named resource', { expression: ['resource'] });
  if (resourceType !== undefined && resource.resourceType !== resourceType) {
    throw new FhirError('INVALID_REQUEST', `The resource is a ${resource.resourceType}, but the URL names ${resourceType}`, { expression: ['resourceType'] });
  }
  // Errors and warnings (e.g. dom-6): warnings are reported here, never enforced on writes.
  const issues = validationIssues(resource);
  // Profiles are checked on a structurally valid resource only: their walk assumes R4 shapes.
  if (!issues.some((issue) => issue.severity === 'error' || issue.severity === 'fatal')) issues.push(...deps.checkProfiles(resource, profiles));
  if (mode === 'update' && id !== undefined && resource.id !== id) {
    issues.push({ severity: 'error', code: 'invariant', diagnostics: `An update of ${resourceType ?? ''}/${id} needs a body with the same id`, expression: [`${resource.resourceType}.id`] });
  }
  const valid = !issues.some((issue) => issue.severity === 'error' || issue.severity === 'fatal');
  const outcome: OperationOutcome = valid ? { resourceType: 'OperationOutcome', issue: [...informational('The resource is valid').issue, ...issues] } : { resourceType: 'OperationOutcome', issue: issues };
  return { status: 200, resource: outcome };
}

function informational(diagnostics: string): OperationOutcome {
  return { resourceType: 'OperationOutcome', issue: [{ severity: 'information', code: 'informational', diagnostics }] };
}

function unwrap(body: unknown): { resource?: Resource; mode?: string; profiles: string[] } {
  if (!isResource(body)) throw new FhirError('INVALID_REQUEST', '$validate takes a resource or a Parameters resource as its body', { expression: ['resourceType'] });
  if (body.resourceType !== 'Parameters') return { resource: body, profiles: [] };
  const parameters = Array.isArray(body['parameter']) ? body['parameter'].filter(isJsonObject) : [];
  const resource = parameters.find((p) => p['name'] === 'resource')?.['resource'];
  const mode = parameters.find((p) => p['name'] === 'mode');
  const modeValue = mode?.['valueCode'] ?? mode?.['valueString'];
  const profiles = parameters.filter((p) => p['name'] === 'profile').map((p) => p['valueUri'] ?? p['valueCanonical'] ?? p['valueString']).filter((v): v is string => typeof v === 'string');
  return {
    profiles,
    ...(isResource(resource) ? { resource } : {}),
    ...(typeof modeValue === 'string' ? { mode: modeValue } : {}),
  };
}
