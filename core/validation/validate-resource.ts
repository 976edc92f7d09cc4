// Validates a resource against the FHIR R4 structure definitions before it is written
// (issue 2, "Validation and bad input"). The walk and its rules are in resource-walker.ts; the
// invariants of the R4 StructureDefinitions in resource-invariants.ts (issue 9, defect 2).
import { FhirError } from '../errors/fhir-error';
import { isJsonObject, type OperationOutcomeIssue, type Resource } from '../fhir-types';
import { checkResourceInvariants } from './resource-invariants';
import { ResourceWalker } from './resource-walker';

/**
 * Every issue of `resource` against FHIR R4: errors (structure, cardinality, primitive formats,
 * choice types, references, contained resources, extensions, and the invariants of the R4
 * StructureDefinitions) and warnings (invariants of severity warning, such as dom-6). Each issue
 * has an expression such as `Patient.name[0].given[1]`. Invariants are evaluated only on a
 * structurally valid resource: their expressions presume the shape the type model gives.
 */
export function validationIssues(resource: unknown): OperationOutcomeIssue[] {
  return validate(resource, true);
}

function validate(resource: unknown, warnings: boolean): OperationOutcomeIssue[] {
  const walker = new ResourceWalker();
  const resourceType = typeof resource === 'object' && resource !== null ? (resource as { resourceType?: unknown }).resourceType : undefined;
  const root = typeof resourceType === 'string' && /^[A-Za-z]{1,64}$/.test(resourceType) ? resourceType : 'Resource';
  walker.resource(resource, root, 'root', 0);
  const structural = walker.finish();
  if (structural.length > 0 || !isJsonObject(resource)) return structural;
  return checkResourceInvariants(resource, { warnings });
}

/**
 * The errors of `resource` (validationIssues without the warnings, which are not even evaluated:
 * the write path enforces errors only); empty when it is valid.
 */
export function validateResource(resource: unknown): OperationOutcomeIssue[] {
  return validate(resource, false).filter((issue) => issue.severity === 'error' || issue.severity === 'fatal');
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
