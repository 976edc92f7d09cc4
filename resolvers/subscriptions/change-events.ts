// onResourceChange: committed changes from the ChangeFeed, as an async iterator per subscriber
// (DESIGN.md: Subscriptions; issue 4: "delivered after commit, in order per resource, only to
// subscribers allowed to read the resource, never across tenants").
import type { CoreDeps } from '../../core/core-deps';
import { FhirError } from '../../core/errors/fhir-error';
import type { ResourceChange } from '../../core/ports/change-feed';
import type { RequestContext } from '../../core/request';
import type { SubscriptionRootOnResourceChangeArgs } from '../generated/graphql';

/** The arguments of `onResourceChange` (typed by graphql-codegen from the schema). */
export type ChangeFilter = Readonly<SubscriptionRootOnResourceChangeArgs>;

/** The ResourceChange GraphQL type's fields (the resource is serialized by the AWSJSON scalar). */
export type ResourceChangePayload = Omit<ResourceChange, 'resource'> & { readonly resource: ResourceChange['resource'] | null };

/** A subscriber that falls this far behind is dropped rather than buffering without bound. */
const MAX_PENDING = 1000;

function mayRead(deps: CoreDeps, ctx: RequestContext, change: ResourceChange): boolean {
  try {
    deps.access.assertAllowed(ctx, 'read', change.resourceType);
  } catch {
    return false;
  }
  // A delete carries no content to decide on: only a caller who reads every resource of the type
  // learns of it (as the AppSync audience labels do, core/authz/read-audience.ts), or a
  // compartment-limited subscriber would see the ids of other Patients' deleted resources.
  if (change.resource === undefined) return deps.access.canReadType?.(ctx, change.resourceType) ?? false;
  return deps.access.canRead(ctx, change.resource);
}

function matches(filter: ChangeFilter, change: ResourceChange): boolean {
  return (
    (filter.resourceType == null || filter.resourceType === change.resourceType) &&
    (filter.id == null || filter.id === change.id) &&
    (filter.action == null || filter.action === change.action)
  );
}

/** The tenant must be the caller's; a named type must exist and be readable. Shared with AppSync. */
export function authorizeSubscription(deps: CoreDeps, ctx: RequestContext, filter: ChangeFilter): void {
  if (filter.tenant != null && filter.tenant !== ctx.tenant) throw new FhirError('FORBIDDEN', `Not allowed to subscribe to tenant "${filter.tenant}"`, { expression: ['tenant'] });
  if (filter.resourceType != null) {
    if (!deps.isResourceType(filter.resourceType)) throw new FhirError('UNKNOWN_RESOURCE_TYPE', `'${filter.resourceType}' is not a FHIR R4 resource type`, { expression: ['resourceType'] });
    deps.access.assertAllowed(ctx, 'read', filter.resourceType);
  }
}

/**
 * Authorizes the subscription and returns the caller's stream of visible changes.
 * `return()` unsubscribes.
 */
export function changeEvents(deps: CoreDeps, ctx: RequestContext, filter: ChangeFilter): AsyncIterableIterator<ResourceChangePayload> {
  authorizeSubscription(deps, ctx, filter);
  const pending: ResourceChangePayload[] = [];
  let waiting: ((result: IteratorResult<ResourceChangePayload>) => void) | undefined;
  let failure: FhirError | undefined;
  let done = false;

  const finish = (): void => {
    done = true;
    unsubscribe();
    waiting?.({ value: undefined, done: true });
    waiting = undefined;
  };

  const unsubscribe = deps.changeFeed.subscribe((change) => {
    if (done || change.tenant !== ctx.tenant || !matches(filter, change) || !mayRead(deps, ctx, change)) return;
    const payload: ResourceChangePayload = { ...change, resource: change.resource ?? null };
    if (waiting !== undefined) {
      const deliver = waiting;
      waiting = undefined;
      deliver({ value: payload, done: false });
      return;
    }
    if (pending.length >= MAX_PENDING) {
      failure = new FhirError('TOO_MANY_REQUESTS', `The subscriber fell more than ${MAX_PENDING} changes behind and was dropped`);
      unsubscribe();
      return;
    }
    pending.push(payload);
  });

  const iterator: AsyncIterableIterator<ResourceChangePayload> = {
    next() {
      const value = pending.shift();
      if (value !== undefined) return Promise.resolve({ value, done: false });
      if (failure !== undefined) {
        const error = failure;
        finish();
        return Promise.reject(error);
      }
      if (done) return Promise.resolve({ value: undefined, done: true });
      return new Promise((resolve) => {
        waiting = resolve;
      });
    },
    return() {
      finish();
      return Promise.resolve({ value: undefined, done: true });
    },
    throw(error?: unknown) {
      finish();
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}
