// Validates a resource against the FHIR R4 structure definitions before it is written
// (issue 2, "Validation and bad input"). The walk and its rules are in resource-walker.ts.
import { FhirError } from '../errors/fhir-error';
import type { OperationOutcomeIssue, Resource } from '../fhir-types';
import { ResourceWalker } from './resource-walker';

/**
 * Every way `resource` fails FHIR R4 (structure, cardinality, primitive formats, choice types,
 * references, contained resources, extensions); empty when it is valid. Each issue has severity
 * `error` and an expression such as `Patient.name[0].given[1]`.
 */
export function validateResource(resource: unknown): OperationOutcomeIssue[] {
  const walker = new ResourceWalker();
  const resourceType = typeof resource === 'object' && resource !== null ? (resource as { resourceType?: unknown }).resourceType : undefined;
  const root = typeof resourceType === 'string' && /^[A-Za-z]{1,64}$/.test(resourceType) ? resourceType : 'Resource';
  walker.resource(resource, root, 'root', 0);
  return walker.finish();
}

/**
 * Throws FhirError INVALID_RESOURCE (400) carrying every issue when `resource` is not valid.
 * @example assertValidResource(JSON.parse(body)); // then store it
 */
export function assertValidResource(resource: unknown): asserts resource is Resource {
  throwOnErrors(validateResource(resource));
}

/** Throws FhirError INVALID_RESOURCE carrying every issue when one of them is an error (warnings pass). */
export function throwOnErrors(all: readonly OperationOutcomeIssue[]): void {
  if (!all.some((issue) => issue.severity === 'error' || issue.severity === 'fatal')) return;
  const issues = [...all];
  const first = issues.find((issue) => issue.severity === 'error' || issue.severity === 'fatal');
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more issue${issues.length > 2 ? 's' : ''})` : '';
  throw new FhirError('INVALID_RESOURCE', `${first?.diagnostics ?? 'Invalid resource'}${more}`, {
    issues,
    expression: issues.flatMap((issue) => issue.expression ?? []),
  });
}
