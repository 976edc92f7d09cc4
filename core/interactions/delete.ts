import type { CoreDeps } from '../core-deps';
import { VersionConflictError } from '../errors/fhir-error';
import { outcome } from '../errors/fhir-error';
import type { RequestContext } from '../request';
import { assertResourceType, assertValidId } from './common';
import { findConditionalMatch } from './create';
import type { InteractionResult } from './result';
import { withResourceLock } from './write-lock';
import { commitWrites, prepareWrite } from './write-path';

const MAX_ATTEMPTS = 5;

/**
 * https://hl7.org/fhir/R4/http.html#delete: writes a versioned tombstone. Deleting an unknown
 * or already deleted resource succeeds too ("repeat deletes succeed").
 */
export async function deleteResource(deps: CoreDeps, ctx: RequestContext, resourceType: string, id: string): Promise<InteractionResult> {
  deps.access.assertAllowed(ctx, 'delete', resourceType);
  assertResourceType(deps, resourceType);
  assertValidId(id);
  return withResourceLock(deps.store, `${ctx.tenant}/${resourceType}/${id}`, () => deleteUnlocked(deps, ctx, resourceType, id));
}

async function deleteUnlocked(deps: CoreDeps, ctx: RequestContext, resourceType: string, id: string): Promise<InteractionResult> {
  for (let attempt = 1; ; attempt += 1) {
    const current = await deps.store.read(ctx.tenant, resourceType, id);
    if (!current?.resource) {
      return { status: 200, outcome: outcome('information', 'informational', `${resourceType}/${id} was already deleted or never existed`) };
    }
    const write = prepareWrite(deps, ctx, { resourceType, id, current, resource: undefined });
    try {
      await commitWrites(deps, ctx, [write]);
    } catch (error) {
      if (error instanceof VersionConflictError && attempt < MAX_ATTEMPTS) continue;
      throw error;
    }
    return {
      status: 200,
      version: { versionId: write.operation.versionId, lastUpdated: write.operation.lastUpdated },
      outcome: outcome('information', 'informational', `Deleted ${resourceType}/${id} (version ${write.operation.versionId})`),
    };
  }
}

/** https://hl7.org/fhir/R4/http.html#cdelete: single-match mode; several matches give 412. */
export async function conditionalDelete(deps: CoreDeps, ctx: RequestContext, resourceType: string, query: string): Promise<InteractionResult> {
  deps.access.assertAllowed(ctx, 'delete', resourceType);
  assertResourceType(deps, resourceType);
  const match = await findConditionalMatch(deps, ctx, resourceType, query);
  if (match === undefined) {
    return { status: 200, outcome: outcome('information', 'informational', `No ${resourceType} matches '${query}'; nothing deleted`) };
  }
  return deleteResource(deps, ctx, resourceType, match);
}
