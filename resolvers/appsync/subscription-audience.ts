// Tenant and policy filtering of onResourceChange on AppSync (DESIGN.md: "Subscribers receive
// only what they may read, in their tenant"; issue 10). AppSync cannot call our AccessPolicy per
// event, so the publisher labels each change with its audience (core/authz/read-audience.ts:
// resource type, Patient compartments) and each subscription gets an enhanced filter, answered
// by the FHIR Lambda at subscribe time: tenant = the caller's tenant, the client's own arguments,
// and audience containsAny the labels the caller's grants (Cognito groups or SMART scopes) read.
// https://docs.aws.amazon.com/appsync/latest/devguide/aws-appsync-real-time-enhanced-filtering.html
import { labelsForType } from '../../core/authz/read-audience';
import type { CoreDeps } from '../../core/core-deps';
import { FhirError } from '../../core/errors/fhir-error';
import type { RequestContext } from '../../core/request';
import { authorizeSubscription, type ChangeFilter } from '../subscriptions/change-events';

/** AppSync limits: containsAny takes 20 values, a filter 5 rules, a filterGroup 10 filters. */
const MAX_CONTAINS_ANY = 20;
const MAX_FILTERS = 10;

export interface FilterRule {
  readonly fieldName: string;
  readonly operator: 'eq' | 'containsAny';
  readonly value: string | readonly string[];
}

/** AppSync's filterJsonObject: a change is delivered when every rule of some filter holds. */
export interface SubscriptionFilter {
  readonly filterGroup: readonly { readonly filters: readonly FilterRule[] }[];
}

/**
 * Authorizes a subscription exactly as the local endpoint does, then returns its enhanced
 * filter. Refuses a caller who may read nothing (no group, no read scope): nothing could ever
 * reach it, and a silent subscription would hide the misconfiguration.
 */
export function subscriberFilter(deps: CoreDeps, ctx: RequestContext, args: ChangeFilter): SubscriptionFilter {
  authorizeSubscription(deps, ctx, args);
  const base: FilterRule[] = [{ fieldName: 'tenant', operator: 'eq', value: ctx.tenant }];
  if (args.resourceType != null) base.push({ fieldName: 'resourceType', operator: 'eq', value: args.resourceType });
  if (args.id != null) base.push({ fieldName: 'id', operator: 'eq', value: args.id });
  if (args.action != null) base.push({ fieldName: 'action', operator: 'eq', value: args.action });

  const audience = deps.access.readAudience(ctx);
  if (audience === '*') return { filterGroup: [{ filters: base }] };
  const labels = args.resourceType == null ? [...audience] : labelsForType(audience, args.resourceType);
  if (labels.length === 0) throw new FhirError('FORBIDDEN', 'This caller may read no resources, so a subscription would receive nothing');
  const chunks: string[][] = [];
  for (let start = 0; start < labels.length; start += MAX_CONTAINS_ANY) chunks.push(labels.slice(start, start + MAX_CONTAINS_ANY));
  if (chunks.length > MAX_FILTERS) {
    throw new FhirError('FORBIDDEN', `This caller's access spans more than ${MAX_FILTERS * MAX_CONTAINS_ANY} audience labels, more than one AppSync filter holds; subscribe to one resourceType`, { expression: ['resourceType'] });
  }
  return { filterGroup: chunks.map((chunk) => ({ filters: [...base, { fieldName: 'audience', operator: 'containsAny', value: chunk }] })) };
}

/**
 * APPSYNC_JS code of the onResourceChange resolver on the FHIR Lambda data source: the request
 * invokes the Lambda with the shape of a direct Lambda resolver event (handler.ts answers
 * SubscriptionRoot fields with subscriberFilter), and the response applies the returned filter.
 * An error from the Lambda (403, 401) refuses the subscription.
 */
export const ON_RESOURCE_CHANGE_RESOLVER_CODE = `import { util, extensions } from '@aws-appsync/utils';
export function request(ctx) {
  return { operation: 'Invoke', payload: { arguments: ctx.args, identity: ctx.identity, source: null, request: ctx.request, info: ctx.info, prev: null, stash: {} } };
}
export function response(ctx) {
  if (ctx.error) { util.error(ctx.error.message, ctx.error.type); }
  extensions.setSubscriptionFilter(ctx.result);
  return null;
}
`;
