import type { CoreDeps } from '../core-deps';
import { FhirError } from '../errors/fhir-error';
import type { Resource } from '../fhir-types';
import type { ChangeAction, ResourceChange } from '../ports/change-feed';
import type { CreateGuard, StoredVersion, WriteOperation } from '../ports/resource-store';
import type { RequestContext } from '../request';
import { prepareSubscription } from '../subscriptions/subscription-rules';
import { unresolvedPlaceholders } from '../validation/placeholder-references';
import { offloadBinaryData, withoutBinaryData } from './binary-content';
import { instant, nextVersionId, stampResource } from './common';

/** A validated, stamped write with the change it will publish once committed. */
export interface PreparedWrite {
  readonly operation: WriteOperation;
  readonly change: ResourceChange;
}

export interface WriteIntent {
  readonly resourceType: string;
  readonly id: string;
  /** The stored current version (possibly a tombstone), or undefined if never written. */
  readonly current: StoredVersion | undefined;
  /** The new content, or undefined for a delete. */
  readonly resource: Resource | undefined;
}

/**
 * Stamps meta, validates against the R4 definitions, checks write permission and extracts
 * the search index, so that every write, from REST, GraphQL or a Bundle, is decided the same way.
 */
export function prepareWrite(deps: CoreDeps, ctx: RequestContext, intent: WriteIntent, now: Date = deps.clock()): PreparedWrite {
  const currentResource = intent.current?.resource;
  if (currentResource && !deps.access.canWrite(ctx, currentResource)) {
    throw new FhirError('FORBIDDEN', `Not allowed to change ${intent.resourceType}/${intent.id}`);
  }
  const content = intent.resource?.resourceType === 'Subscription' ? prepareSubscription(deps, ctx, intent.resource) : intent.resource;
  const prepared = prepareTrustedWrite(deps, ctx.tenant, { ...intent, resource: content }, now);
  if (prepared.operation.resource && !deps.access.canWrite(ctx, prepared.operation.resource)) {
    throw new FhirError('FORBIDDEN', `Not allowed to write this ${intent.resourceType}`);
  }
  if (prepared.operation.resource) rejectUnresolvedPlaceholders(prepared.operation.resource);
  return prepared;
}

/**
 * A urn:uuid / urn:oid reference that nothing resolves is a 400 at the reference (issue 9):
 * a transaction has already rewritten the ones its entries define, so any left here, in a plain
 * create, update, patch or batch entry, would be stored pointing at nothing.
 */
function rejectUnresolvedPlaceholders(resource: Resource): void {
  const unresolved = unresolvedPlaceholders(resource);
  const first = unresolved[0];
  if (first === undefined) return;
  const issues = unresolved.map(({ reference, path }) => ({
    severity: 'error' as const,
    code: 'invalid' as const,
    diagnostics: `The reference '${reference}' is a placeholder (bundle.html#references) that only a transaction entry's fullUrl can define; nothing here resolves it`,
    expression: [path],
  }));
  throw new FhirError('INVALID_REQUEST', issues[0]?.diagnostics ?? '', { issues, expression: unresolved.map((u) => u.path) });
}

/**
 * The server's own writes (a Subscription's status set by the dispatcher, subscription.html#2.46.7.2):
 * stamped, validated and indexed like any write, without a caller to authorize.
 */
export function prepareTrustedWrite(deps: CoreDeps, tenant: string, intent: WriteIntent, now: Date = deps.clock()): PreparedWrite {
  const versionId = nextVersionId(intent.current);
  const lastUpdated = instant(now);
  const currentResource = intent.current?.resource;
  let resource: Resource | undefined;
  if (intent.resource) {
    resource = stampResource(intent.resource, intent.id, versionId, lastUpdated);
    deps.validate(resource);
  }
  const action: ChangeAction = resource === undefined ? 'delete' : currentResource === undefined ? 'create' : 'update';
  return {
    operation: {
      resourceType: intent.resourceType,
      id: intent.id,
      expectedVersionId: intent.current?.versionId ?? null,
      versionId,
      lastUpdated,
      resource,
      // Binary content is not searchable text (and would bloat the index): index the metadata only.
      index: resource ? deps.extractIndex(resource.resourceType === 'Binary' ? withoutBinaryData(resource) : resource) : [],
    },
    change: { tenant, action, resourceType: intent.resourceType, id: intent.id, versionId, lastUpdated, resource },
  };
}

/** Commits atomically, then publishes the committed changes (DESIGN.md: ChangeFeed, after commit). */
export async function commitWrites(deps: CoreDeps, ctx: RequestContext, writes: readonly PreparedWrite[], guards: readonly CreateGuard[] = []): Promise<void> {
  if (writes.length === 0) return;
  // Binary content goes to the BinaryStore first (binary-content.ts); a failed commit leaves an
  // unreferenced object behind, never a resource without its content.
  const operations = await Promise.all(writes.map(async (w) => (
    w.operation.resource?.resourceType === 'Binary' ? { ...w.operation, resource: await offloadBinaryData(deps, ctx, w.operation.resource) } : w.operation
  )));
  await deps.store.commit(ctx.tenant, operations, guards.length > 0 ? { guards } : undefined);
  try {
    await deps.changeFeed.publish(writes.map((w) => w.change));
  } catch (error) {
    // The write is committed and acknowledged; a failing subscriber must not turn it into an error.
    deps.log.error('change feed publish failed', { correlationId: ctx.correlationId, error: String(error) });
  }
}
