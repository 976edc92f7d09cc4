import { FhirError } from '../errors/fhir-error';
import type { Resource } from '../fhir-types';
import type { CoreDeps } from '../core-deps';
import type { StoredVersion } from '../ports/resource-store';

/** https://hl7.org/fhir/R4/datatypes.html#id */
const ID_PATTERN = /^[A-Za-z0-9\-.]{1,64}$/;

export function assertValidId(id: string, expression = 'id'): void {
  if (!ID_PATTERN.test(id)) {
    throw new FhirError('INVALID_ID', `'${id.length > 80 ? `${id.slice(0, 80)}…` : id}' is not a valid FHIR id (1-64 characters of A-Z, a-z, 0-9, '-' and '.')`, { expression: [expression] });
  }
}

export function assertResourceType(deps: CoreDeps, resourceType: string): void {
  if (!deps.isResourceType(resourceType)) {
    throw new FhirError('UNKNOWN_RESOURCE_TYPE', `'${resourceType}' is not a FHIR R4 resource type`);
  }
}

/** Weak ETag of a version (http.html#versioning). */
export function etagOf(versionId: string): string {
  return `W/"${versionId}"`;
}

/** The version in an If-Match / If-None-Match value: W/"3", "3" or 3. */
export function parseEtag(value: string): string {
  const match = /^\s*(?:W\/)?"?([^"]*)"?\s*$/.exec(value);
  return (match?.[1] ?? value).trim();
}

export function nextVersionId(current: StoredVersion | undefined): string {
  if (!current) return '1';
  const n = Number.parseInt(current.versionId, 10);
  return Number.isFinite(n) ? String(n + 1) : '1';
}

/** FHIR instant with millisecond precision. */
export function instant(date: Date): string {
  return date.toISOString();
}

/** HTTP-date for Last-Modified (RFC 7231). */
export function httpDate(fhirInstant: string): string {
  return new Date(fhirInstant).toUTCString();
}

/**
 * Sets the server-owned meta fields (http.html#create: "the server SHALL populate the id,
 * meta.versionId and meta.lastUpdated"), keeping client tags, profiles, security and source.
 */
export function stampResource(resource: Resource, id: string, versionId: string, lastUpdated: string): Resource {
  const meta = { ...(resource.meta ?? {}), versionId, lastUpdated };
  return { ...resource, id, meta };
}

export function location(baseUrl: string, resourceType: string, id: string, versionId: string): string {
  return `${baseUrl}/${resourceType}/${id}/_history/${versionId}`;
}
