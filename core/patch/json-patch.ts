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
  // Removing or moving the document root leaves no resource to patch (and fast-json-patch then
  // fails inside its own code on the next operation): refuse it up front, naming the operation.
  const rootIndex = operations.findIndex((op) => typeof op === 'object' && op !== null && (op.op === 'remove' || op.op === 'move') && (op.path === '' || ('from' in op && op.from === '')));
  if (rootIndex >= 0) {
    throw new FhirError('INVALID_PATCH', `JSON Patch failed (operation ${rootIndex}): the document root cannot be removed or moved`, { expression: [`[${rootIndex}]`] });
  }
  try {
    const schemaError = validate(operations, deepClone(resource));
    if (schemaError) throw patchError(schemaError);
    const result = applyPatch(deepClone(resource), operations, true, false).newDocument as unknown;
    if (!isResource(result)) throw new FhirError('INVALID_PATCH', 'The patched document is not a resource');
    return result;
  } catch (error) {
    if (error instanceof JsonPatchError) throw patchError(error);
    // fast-json-patch walks the document with plain property access: a patch that replaced a
    // container with a primitive makes a later operation fail with a TypeError inside it.
    if (error instanceof TypeError) throw new FhirError('INVALID_PATCH', `JSON Patch cannot be applied: ${error.message}`);
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
