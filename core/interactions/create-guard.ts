import { randomUUID } from 'node:crypto';
import type { CoreDeps } from '../core-deps';
import type { CreateGuard } from '../ports/resource-store';
import type { RequestContext } from '../request';
import { conditionalCreateLockKey } from './write-lock';

/**
 * How long a conditional create's claim on its criteria outlives the create. The per-process lock
 * (write-lock.ts) cannot stop two processes (two Lambdas on DynamoDB, two servers on one SQLite
 * file) from both finding no match and both creating; the claim, committed atomically with the
 * create, can. It must outlast the search index's lag behind the store (the AWS home indexes from
 * the DynamoDB stream, usually within a second or two); after it, the search is the authority,
 * so a resource that was changed or deleted since no longer blocks a new create.
 */
export const CREATE_GUARD_LIFETIME_MS = 60_000;

/** A conditional create that found no match in the search either finds one through a live claim, or must commit this guard. */
export type GuardDecision = { readonly match: string } | { readonly guard: CreateGuard };

/**
 * Call after the search found no match for `criteria`, with the id the create would use. A live
 * claim whose resource still exists is a match the search index does not show yet.
 */
export async function conditionalCreateGuard(deps: CoreDeps, ctx: RequestContext, resourceType: string, criteria: string, newId: string): Promise<GuardDecision> {
  const key = conditionalCreateLockKey(ctx.tenant, resourceType, criteria);
  const now = deps.clock().getTime();
  const expected = await deps.store.readGuard(ctx.tenant, key);
  if (expected !== undefined && expected.expiresAtMs > now) {
    const [holderType = '', holderId = ''] = expected.holder.split('/');
    const holder = holderType === resourceType ? await deps.store.read(ctx.tenant, holderType, holderId) : undefined;
    if (holder !== undefined && holder.resource !== undefined) return { match: holderId };
  }
  return { guard: { key, expected, claim: { holder: `${resourceType}/${newId}`, token: randomUUID(), expiresAtMs: now + CREATE_GUARD_LIFETIME_MS } } };
}
