import type { CoreDeps } from '../core-deps';
import { FhirError, VersionConflictError } from '../errors/fhir-error';
import type { Resource } from '../fhir-types';
import type { RequestContext } from '../request';
import { requireResourceBody } from './body';
import { assertResourceType, assertValidId, location, parseEtag } from './common';
import { findConditionalMatch } from './create';
import type { InteractionResult } from './result';
import { withResourceLock } from './write-lock';
import { commitWrites, prepareWrite } from './write-path';

export interface UpdateOptions {
  /** If-Match: the version the client expects to replace (http.html#concurrency). */
  readonly ifMatch?: string;
}

/** Writes without If-Match retry a lost race this many times before answering 409. */
const MAX_ATTEMPTS = 5;

/** https://hl7.org/fhir/R4/http.html#update */
export async function update(deps: CoreDeps, ctx: RequestContext, resourceType: string, id: string, body: unknown, options: UpdateOptions = {}): Promise<InteractionResult> {
  deps.access.assertAllowed(ctx, 'update', resourceType);
  assertResourceType(deps, resourceType);
  assertValidId(id);
  const resource = requireResourceBody(body, resourceType);
  if (resource.id === undefined) {
    throw new FhirError('ID_MISMATCH', `The body must carry the id '${id}' of the URL`, { expression: [`${resourceType}.id`] });
  }
  if (resource.id !== id) {
    throw new FhirError('ID_MISMATCH', `The body's id '${String(resource.id)}' differs from the URL's id '${id}'`, { expression: [`${resourceType}.id`] });
  }
  return writeVersion(deps, ctx, resourceType, id, () => resource, options.ifMatch, true);
}

/** https://hl7.org/fhir/R4/http.html#cond-update */
export async function conditionalUpdate(deps: CoreDeps, ctx: RequestContext, resourceType: string, query: string, body: unknown, options: UpdateOptions = {}): Promise<InteractionResult> {
  deps.access.assertAllowed(ctx, 'update', resourceType);
  assertResourceType(deps, resourceType);
  const resource = requireResourceBody(body, resourceType);
  const match = await findConditionalMatch(deps, ctx, resourceType, query);
  if (match === undefined) {
    // No match: create, with the body's id when it has one (http.html#cond-update).
    const id = typeof resource.id === 'string' ? resource.id : deps.newId();
    assertValidId(id, `${resourceType}.id`);
    return writeVersion(deps, ctx, resourceType, id, () => ({ ...resource, id }), options.ifMatch, true);
  }
  if (resource.id !== undefined && resource.id !== match) {
    throw new FhirError('ID_MISMATCH', `The body's id '${String(resource.id)}' differs from the matched ${resourceType}/${match}`, { expression: [`${resourceType}.id`] });
  }
  return writeVersion(deps, ctx, resourceType, match, () => ({ ...resource, id: match }), options.ifMatch, true);
}

/**
 * Reads the current version, derives the new content from it and commits with optimistic
 * concurrency. With If-Match a conflict is 412; without, the write retries on a lost race.
 */
export async function writeVersion(
  deps: CoreDeps,
  ctx: RequestContext,
  resourceType: string,
  id: string,
  derive: (current: Resource | undefined) => Resource,
  ifMatch: string | undefined,
  mayCreate: boolean,
): Promise<InteractionResult> {
  return withResourceLock(deps.store, `${ctx.tenant}/${resourceType}/${id}`, async () => {
    for (let attempt = 1; ; attempt += 1) {
      const current = await deps.store.read(ctx.tenant, resourceType, id);
      if (ifMatch !== undefined && (current === undefined || current.versionId !== parseEtag(ifMatch))) {
        throw new FhirError('PRECONDITION_FAILED', `If-Match ${ifMatch} does not match the current version${current ? ` (${current.versionId})` : ''} of ${resourceType}/${id}`, { expression: ['If-Match'] });
      }
      if (!mayCreate && current?.resource === undefined) {
        throw new FhirError(current ? 'GONE' : 'NOT_FOUND', `${resourceType}/${id} ${current ? 'was deleted' : 'is not known'}`);
      }
      if (current === undefined && !deps.config.updateCreate) {
        throw new FhirError('METHOD_NOT_ALLOWED', `${resourceType}/${id} does not exist and this server does not create resources with client-assigned ids`);
      }
      const write = prepareWrite(deps, ctx, { resourceType, id, current, resource: derive(current?.resource) });
      try {
        await commitWrites(deps, ctx, [write]);
      } catch (error) {
        if (error instanceof VersionConflictError) {
          if (ifMatch !== undefined) {
            throw new FhirError('PRECONDITION_FAILED', `${resourceType}/${id} was changed concurrently; If-Match ${ifMatch} no longer matches`, { expression: ['If-Match'] });
          }
          if (attempt < MAX_ATTEMPTS) continue;
        }
        throw error;
      }
      const created = current?.resource === undefined;
      return {
        status: created ? 201 : 200,
        ...(write.operation.resource ? { resource: write.operation.resource } : {}),
        version: { versionId: write.operation.versionId, lastUpdated: write.operation.lastUpdated },
        location: location(ctx.baseUrl, resourceType, id, write.operation.versionId),
      };
    }
  });
}
