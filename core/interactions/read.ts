import type { CoreDeps } from '../core-deps';
import { FhirError } from '../errors/fhir-error';
import type { Resource } from '../fhir-types';
import type { StoredVersion } from '../ports/resource-store';
import type { RequestContext } from '../request';
import { withBinaryData } from './binary-content';
import { assertResourceType, assertValidId, parseEtag } from './common';
import type { InteractionResult } from './result';

export interface ConditionalReadHeaders {
  readonly ifNoneMatch?: string;
  readonly ifModifiedSince?: string;
}

/** https://hl7.org/fhir/R4/http.html#read */
export async function read(deps: CoreDeps, ctx: RequestContext, resourceType: string, id: string, headers: ConditionalReadHeaders = {}): Promise<InteractionResult> {
  const { version, label } = await storedVersion(deps, ctx, resourceType, id, undefined);
  return respondWithVersion(deps, ctx, version && (await withBinaryData(deps, ctx, version)), label, headers);
}

/**
 * The checks and the store access shared by read and vread (and the native Binary read, which
 * wants the version without its content decoded into the resource).
 */
export async function storedVersion(
  deps: CoreDeps, ctx: RequestContext, resourceType: string, id: string, versionId: string | undefined,
): Promise<{ version: StoredVersion | undefined; label: string }> {
  deps.access.assertAllowed(ctx, versionId === undefined ? 'read' : 'vread', resourceType);
  assertResourceType(deps, resourceType);
  assertValidId(id);
  if (versionId === undefined) return { version: await deps.store.read(ctx.tenant, resourceType, id), label: `${resourceType}/${id}` };
  assertValidId(versionId, 'versionId');
  return { version: await deps.store.vread(ctx.tenant, resourceType, id, versionId), label: `${resourceType}/${id}/_history/${versionId}` };
}

/**
 * Shared by read and vread: 404 unknown, 410 deleted, 403 when the policy hides it, 304 for a
 * satisfied conditional read (http.html#cread).
 */
export function respondWithVersion(deps: CoreDeps, ctx: RequestContext, version: StoredVersion | undefined, label: string, headers: ConditionalReadHeaders): InteractionResult {
  if (!version) throw new FhirError('NOT_FOUND', `${label} is not known`);
  // A version with stored text is no tombstone: checking `resource` would parse it.
  if (version.json === undefined && !version.resource) {
    throw new FhirError('GONE', `${label} was deleted (version ${version.versionId})`, {
      headers: { etag: `W/"${version.versionId}"`, 'last-modified': new Date(version.lastUpdated).toUTCString() },
    });
  }
  // Reading the content to decide is needed only when the policy limits the type (compartments).
  if (!(deps.access.canReadType?.(ctx, version.resourceType) ?? false) && !deps.access.canRead(ctx, version.resource as Resource)) {
    throw new FhirError('FORBIDDEN', `Not allowed to read ${label}`);
  }
  const versionInfo = { versionId: version.versionId, lastUpdated: version.lastUpdated };
  if (headers.ifNoneMatch !== undefined) {
    const tags = headers.ifNoneMatch.split(',').map((t) => t.trim());
    if (tags.includes('*') || tags.some((t) => parseEtag(t) === version.versionId)) return { status: 304, version: versionInfo };
  } else if (headers.ifModifiedSince !== undefined) {
    const since = Date.parse(headers.ifModifiedSince);
    // HTTP dates have second precision; compare at that precision.
    if (Number.isFinite(since) && Math.floor(Date.parse(version.lastUpdated) / 1000) * 1000 <= since) {
      return { status: 304, version: versionInfo };
    }
  }
  if (version.json === undefined) return { status: 200, resource: version.resource, version: versionInfo };
  // The stored text goes out as is; the resource is parsed only if something reads it.
  const stored = version;
  return {
    status: 200,
    json: version.json,
    get resource(): Resource | undefined {
      return stored.resource;
    },
    version: versionInfo,
  };
}
