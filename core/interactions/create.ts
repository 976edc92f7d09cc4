import type { CoreDeps } from '../core-deps';
import { FhirError, VersionConflictError } from '../errors/fhir-error';
import type { CreateGuard } from '../ports/resource-store';
import { conditionalCriteria } from '../http/fhir-url';
import type { RequestContext } from '../request';
import { requireResourceBody } from './body';
import { conditionalCreateGuard } from './create-guard';
import { assertResourceType, location } from './common';
import { read } from './read';
import type { InteractionResult } from './result';
import { conditionalCreateLockKey, withResourceLock } from './write-lock';
import { commitWrites, prepareWrite } from './write-path';

export interface CreateOptions {
  /** If-None-Exist: a search query; create only when nothing matches (http.html#ccreate). */
  readonly ifNoneExist?: string;
}

/** https://hl7.org/fhir/R4/http.html#create */
export async function create(deps: CoreDeps, ctx: RequestContext, resourceType: string, body: unknown, options: CreateOptions = {}): Promise<InteractionResult> {
  deps.access.assertAllowed(ctx, 'create', resourceType);
  assertResourceType(deps, resourceType);
  const resource = requireResourceBody(body, resourceType);
  const ifNoneExist = options.ifNoneExist;
  if (ifNoneExist === undefined) return createUnconditionally(deps, ctx, resourceType, resource, deps.newId());
  return withResourceLock(deps.store, conditionalCreateLockKey(ctx.tenant, resourceType, ifNoneExist), async () => {
    // Another process may create with the same criteria at the same moment: its claim makes one
    // of the two commits fail, and the loser searches again (create-guard.ts).
    for (let attempt = 1; ; attempt += 1) {
      const existing = await findConditionalMatch(deps, ctx, resourceType, ifNoneExist);
      const id = deps.newId();
      const decision = existing !== undefined ? { match: existing } : await conditionalCreateGuard(deps, ctx, resourceType, ifNoneExist, id);
      if ('match' in decision) {
        // The match's address goes back as with a create (HAPI's client takes the id from it).
        const found = await read(deps, ctx, resourceType, decision.match);
        return { ...found, status: 200, location: location(ctx.baseUrl, resourceType, decision.match, found.version?.versionId ?? '') };
      }
      try {
        return await createUnconditionally(deps, ctx, resourceType, resource, id, decision.guard);
      } catch (error) {
        if (!(error instanceof VersionConflictError) || attempt >= 5) throw error;
      }
    }
  });
}

/** The server assigns the id; an id in the body is ignored (http.html#create). */
async function createUnconditionally(deps: CoreDeps, ctx: RequestContext, resourceType: string, resource: ReturnType<typeof requireResourceBody>, id: string, guard?: CreateGuard): Promise<InteractionResult> {
  const write = prepareWrite(deps, ctx, { resourceType, id, current: undefined, resource });
  await commitWrites(deps, ctx, [write], guard !== undefined ? [guard] : []);
  const stored = write.operation.resource;
  return {
    status: 201,
    ...(stored ? { resource: stored } : {}),
    version: { versionId: write.operation.versionId, lastUpdated: write.operation.lastUpdated },
    location: location(ctx.baseUrl, resourceType, id, write.operation.versionId),
  };
}

/**
 * The single match of a conditional query, undefined for none; more than one is 412
 * (http.html#ccreate, #cond-update, #cdelete use the same rule).
 */
export async function findConditionalMatch(deps: CoreDeps, ctx: RequestContext, resourceType: string, query: string): Promise<string | undefined> {
  // `?q`, `q`, `Type?q` or `[base]/Type?q` (the HAPI client sends the last): one parser for all.
  const criteria = conditionalCriteria(query, resourceType, ctx.baseUrl);
  if (typeof criteria === 'string') throw new FhirError('INVALID_REQUEST', `The conditional criteria ${criteria}`, { expression: ['If-None-Exist'] });
  const cleaned = new URLSearchParams(criteria).toString();
  if (cleaned.trim() === '') {
    throw new FhirError('INVALID_REQUEST', 'A conditional interaction needs search criteria', { expression: ['If-None-Exist'] });
  }
  const ids = await deps.search.findMatches(ctx, resourceType, cleaned, 2);
  if (ids.length > 1) throw new FhirError('MULTIPLE_MATCHES', `The criteria '${cleaned}' match more than one ${resourceType}`);
  return ids[0];
}
