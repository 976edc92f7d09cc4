import { applyPatch, deepClone, JsonPatchError, validate, type Operation } from 'fast-json-patch';
import { FhirError } from '../errors/fhir-error';
import { isResource, type Resource } from '../fhir-types';

/**
 * Applies an RFC 6902 JSON Patch (http.html#patch, application/json-patch+json) to a copy of
 * the resource. A malformed document or a failing `test` is 400 (422 would also be allowed;
 * 400 names the failing operation, which is what clients need).
 */
export function applyJsonPatch(resource: Resource, patch: unknown): Resource {
  if (!Array.isArray(patch)) {
    throw new FhirError('INVALID_PATCH', 'A JSON Patch body must be an array of operations');
  }
  const operations = patch as Operation[];
  const schemaError = validate(operations, deepClone(resource));
  if (schemaError) throw patchError(schemaError);
  try {
    const result = applyPatch(deepClone(resource), operations, true, false).newDocument as unknown;
    if (!isResource(result)) throw new FhirError('INVALID_PATCH', 'The patched document is not a resource');
    return result;
  } catch (error) {
    if (error instanceof JsonPatchError) throw patchError(error);
    throw error;
  }
}

function patchError(error: JsonPatchError): FhirError {
  const index = typeof error.index === 'number' ? error.index : undefined;
  const where = index === undefined ? '' : ` (operation ${index})`;
  return new FhirError('INVALID_PATCH', `JSON Patch failed${where}: ${error.name.replace(/_/g, ' ').toLowerCase()}`, {
    expression: index === undefined ? [] : [`[${index}]`],
  });
}
