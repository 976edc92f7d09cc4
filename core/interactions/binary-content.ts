import type { CoreDeps } from '../core-deps';
import type { Resource } from '../fhir-types';
import type { StoredVersion } from '../ports/resource-store';
import type { RequestContext } from '../request';

/**
 * Binary content (https://hl7.org/fhir/R4/binary.html) lives in the BinaryStore, one object per
 * version, rather than base64 inside the stored resource: bodies stay small in every store
 * (DynamoDB items are limited to 400 KB) and raw reads need no decoding.
 */
export function binaryKey(id: string, versionId: string): string {
  return `Binary/${id}/${versionId}`;
}

/** Moves `data` of a Binary version into the BinaryStore and returns the resource without it. */
export async function offloadBinaryData(deps: CoreDeps, ctx: RequestContext, resource: Resource): Promise<Resource> {
  const data = resource['data'];
  if (deps.binaries === undefined || resource.resourceType !== 'Binary' || typeof data !== 'string') return resource;
  const versionId = resource.meta?.versionId ?? '1';
  const contentType = typeof resource['contentType'] === 'string' ? resource['contentType'] : 'application/octet-stream';
  await deps.binaries.put(ctx.tenant, binaryKey(resource.id ?? '', versionId), Buffer.from(data, 'base64'), contentType);
  return withoutBinaryData(resource);
}

/** A Binary without its `data` (what is stored, and what is indexed). */
export function withoutBinaryData(resource: Resource): Resource {
  const { data: _content, ...rest } = resource;
  return rest as Resource;
}

/** The bytes of a stored Binary version, from the BinaryStore or its inline `data`. */
export async function binaryBytes(deps: CoreDeps, ctx: RequestContext, version: StoredVersion): Promise<Uint8Array | undefined> {
  const resource = version.resource;
  if (resource === undefined) return undefined;
  if (typeof resource['data'] === 'string') return Buffer.from(resource['data'], 'base64');
  const stored = await deps.binaries?.get(ctx.tenant, binaryKey(version.id, version.versionId));
  return stored?.bytes;
}

/** A Binary version with `data` filled in again for a FHIR-format read. */
export async function withBinaryData(deps: CoreDeps, ctx: RequestContext, version: StoredVersion): Promise<StoredVersion> {
  if (version.resourceType !== 'Binary' || version.resource === undefined || typeof version.resource['data'] === 'string') return version;
  const bytes = await binaryBytes(deps, ctx, version);
  if (bytes === undefined) return version;
  // The stored text lacks `data`: the derived version has no `json`, so it is serialized whole.
  const { json: _stored, ...rest } = version;
  return { ...rest, resource: { ...version.resource, data: Buffer.from(bytes).toString('base64') } };
}
