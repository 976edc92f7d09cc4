// Tenant and policy filtering of onResourceChange on AppSync (DESIGN.md: "Subscribers receive
// only what they may read, in their tenant"). AppSync cannot call our AccessPolicy per event, so
// the publisher stamps each change with its audience (the groups that may read it) and each
// subscription gets an enhanced filter, set at subscribe time: tenant = the caller's tenant and
// audience containsAny the caller's groups
// (https://docs.aws.amazon.com/appsync/latest/devguide/aws-appsync-real-time-enhanced-filtering.html).
import type { AccessPolicy } from '../../core/authz/access-policy';
import type { CoreDeps } from '../../core/core-deps';
import { FhirError } from '../../core/errors/fhir-error';
import type { ResourceChange } from '../../core/ports/change-feed';
import type { RequestContext } from '../../core/request';
import { authorizeSubscription, type ChangeFilter } from '../subscriptions/change-events';

/** AppSync's `containsAny` takes at most 20 values. */
const MAX_CONTAINS_ANY = 20;

export function audienceToken(group: string): string {
  return `group:${group}`;
}

/**
 * The groups (of the policy configuration) whose members may read this change: read allowed on
 * the type and, when there is content, AccessPolicy.canRead on it.
 */
export function changeAudience(access: AccessPolicy, groups: readonly string[], change: ResourceChange): string[] {
  return groups
    .filter((group) => {
      const ctx: RequestContext = { principal: { subject: `audience:${group}`, groups: [group], scopes: [], tenant: change.tenant }, tenant: change.tenant, baseUrl: '', correlationId: 'audience' };
      try {
        access.assertAllowed(ctx, 'read', change.resourceType);
      } catch {
        return false;
      }
      return change.resource === undefined || access.canRead(ctx, change.resource);
    })
    .map(audienceToken);
}

/** The mutation the publisher (stream processor, IAM-signed) sends to AppSync for each commit. */
export const PUBLISH_RESOURCE_CHANGE = `mutation PublishResourceChange($tenant: String!, $action: ResourceChangeAction!, $resourceType: String!, $id: ID!, $versionId: String!, $lastUpdated: String!, $resource: AWSJSON, $audience: [String!]) {
  publishResourceChange(tenant: $tenant, action: $action, resourceType: $resourceType, id: $id, versionId: $versionId, lastUpdated: $lastUpdated, resource: $resource, audience: $audience) {
    tenant action resourceType id versionId lastUpdated resource audience
  }
}`;

/** Variables of PUBLISH_RESOURCE_CHANGE for one committed change. */
export function publishVariables(access: AccessPolicy, groups: readonly string[], change: ResourceChange): Record<string, unknown> {
  return {
    tenant: change.tenant,
    action: change.action,
    resourceType: change.resourceType,
    id: change.id,
    versionId: change.versionId,
    lastUpdated: change.lastUpdated,
    resource: change.resource === undefined ? null : JSON.stringify(change.resource),
    audience: changeAudience(access, groups, change),
  };
}

/** The filter in the simple form `util.transform.toSubscriptionFilter` takes. */
export type SubscriptionFilter = Record<string, { readonly eq: string } | { readonly containsAny: readonly string[] }>;

/**
 * Authorizes a subscription exactly as the local endpoint does, then returns its enhanced
 * filter. Refuses a caller without groups: nothing could ever reach it.
 */
export function subscriberFilter(deps: CoreDeps, ctx: RequestContext, args: ChangeFilter): SubscriptionFilter {
  authorizeSubscription(deps, ctx, args);
  const groups = ctx.principal.groups.slice(0, MAX_CONTAINS_ANY);
  if (groups.length === 0) throw new FhirError('FORBIDDEN', 'Subscriptions need a group that may read resources');
  const filter: Record<string, { eq: string } | { containsAny: readonly string[] }> = {
    tenant: { eq: ctx.tenant },
    audience: { containsAny: groups.map(audienceToken) },
  };
  if (args.resourceType != null) filter['resourceType'] = { eq: args.resourceType };
  if (args.id != null) filter['id'] = { eq: args.id };
  if (args.action != null) filter['action'] = { eq: args.action };
  return filter;
}

/**
 * APPSYNC_JS code for the onResourceChange pipeline resolver on AppSync: its one function
 * invokes this Lambda (which answers SubscriptionRoot.onResourceChange with
 * subscriberFilter), and the resolver applies the filter. Infra attaches it as is.
 */
export const ON_RESOURCE_CHANGE_FUNCTION_CODE = `export function request(ctx) {
  return { operation: 'Invoke', payload: { arguments: ctx.args, identity: ctx.identity, source: null, request: ctx.request, info: ctx.info, prev: null, stash: {} } };
}
export function response(ctx) {
  if (ctx.error) util.error(ctx.error.message, ctx.error.type);
  return ctx.result;
}
`;

export const ON_RESOURCE_CHANGE_RESOLVER_CODE = `import { util, extensions } from '@aws-appsync/utils';
export function request(ctx) {
  return {};
}
export function response(ctx) {
  extensions.setSubscriptionFilter(util.transform.toSubscriptionFilter(ctx.prev.result));
  return null;
}
`;
