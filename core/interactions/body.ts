import { FhirError } from '../errors/fhir-error';
import { isResource, type Resource } from '../fhir-types';

/** The body of a create or update must be a resource of the URL's type (http.html#create, #update). */
export function requireResourceBody(body: unknown, resourceType: string): Resource {
  if (!isResource(body)) {
    throw new FhirError('INVALID_RESOURCE', 'The body must be a FHIR resource (a JSON object with resourceType)', { expression: ['resourceType'] });
  }
  if (body.resourceType !== resourceType) {
    throw new FhirError('INVALID_RESOURCE', `The body is a ${body.resourceType}, but the URL names ${resourceType}`, { expression: ['resourceType'] });
  }
  return body;
}
