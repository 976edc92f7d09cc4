// The AppSync Lambda resolver (direct Lambda resolver, no mapping templates), attached to the
// root Query and Mutation fields only (and, through a pipeline function, to onResourceChange at
// subscribe time, where it answers the subscriber's filter). Each invocation runs the root field and its whole
// sub-selection with graphql-js, so nested Reference.resource fields are batched in one
// invocation (issue 4). BatchInvoke events (arrays) are answered item by item, in order.
import { randomUUID } from 'node:crypto';
import type { AppSyncResolverEvent } from 'aws-lambda';
import { assertTenant } from '../../core/authz/tenancy';
import type { CoreDeps } from '../../core/core-deps';
import { FhirError } from '../../core/errors/fhir-error';
import { DEFAULT_TENANT, type Principal, type RequestContext } from '../../core/request';
import { formatGraphqlError, toGraphqlError } from '../errors';
import type { GraphqlService } from '../execute-graphql';
import type { ChangeFilter } from '../subscriptions/change-events';
import { principalFromIdentity } from './identity';
import { rootOperation } from './root-document';
import { subscriberFilter } from './subscription-audience';

export type AppSyncEvent = AppSyncResolverEvent<Record<string, unknown>, Record<string, unknown> | null>;

export interface AppSyncHandlerOptions {
  readonly deps: CoreDeps;
  readonly service: GraphqlService;
  /** FHIR base URL of a tenant, for resolving absolute references (e.g. https://api.example.org/fhir). */
  readonly baseUrl: (tenant: string) => string;
  /** Override how AppSync's identity becomes a Principal. */
  readonly principalOf?: (identity: AppSyncEvent['identity']) => Principal;
}

/** One BatchInvoke item: AppSync turns errorMessage/errorType into a GraphQL error for that item. */
export interface AppSyncBatchItem {
  readonly data: unknown;
  readonly errorMessage?: string;
  readonly errorType?: string;
  readonly errorInfo?: Record<string, unknown>;
}

interface Outcome {
  readonly data: unknown;
  readonly error?: { readonly message: string; readonly type: string; readonly info: Record<string, unknown> };
}

/** A Lambda error: the runtime reports `name` as the errorType AppSync shows the client. */
class AppSyncResolverError extends Error {
  readonly info: Record<string, unknown>;
  constructor(message: string, type: string, info: Record<string, unknown>) {
    super(message);
    this.name = type;
    this.info = info;
  }
}

export function createAppSyncHandler(options: AppSyncHandlerOptions): (event: AppSyncEvent | AppSyncEvent[]) => Promise<unknown> {
  const { deps, service } = options;
  const principalOf = options.principalOf ?? principalFromIdentity;

  const contextOf = (event: AppSyncEvent): RequestContext => {
    const principal = principalOf(event.identity);
    // AppSync has no tenant in its URL: the tenant is the caller's (custom:tenantId).
    const tenant = deps.config.multiTenancy ? (principal.tenant ?? '') : DEFAULT_TENANT;
    if (deps.config.multiTenancy) assertTenant(principal, tenant, true);
    const correlationId = event.request?.headers?.['x-amzn-requestid'] ?? randomUUID();
    return { principal, tenant, baseUrl: options.baseUrl(tenant), correlationId };
  };

  const run = async (event: AppSyncEvent): Promise<Outcome> => {
    const correlationId = event.request?.headers?.['x-amzn-requestid'] ?? randomUUID();
    try {
      const ctx = contextOf(event);
      if (event.info.parentTypeName === service.schema.getSubscriptionType()?.name) {
        // Subscribe time on AppSync: authorize and answer the enhanced filter (subscription-audience.ts).
        if (event.info.fieldName !== 'onResourceChange') throw new FhirError('INVALID_REQUEST', `Unknown subscription ${event.info.fieldName}`);
        return { data: subscriberFilter(deps, ctx, (event.arguments ?? {}) as ChangeFilter) };
      }
      const operation = rootOperation(service.schema, {
        parentTypeName: event.info.parentTypeName,
        fieldName: event.info.fieldName,
        arguments: event.arguments ?? {},
        selectionSetGraphQL: event.info.selectionSetGraphQL ?? '',
      });
      const result = await service.executeDocument(operation.document, operation.variables, ctx);
      const data = result.data?.[event.info.fieldName] ?? null;
      const first = result.errors?.[0];
      if (first === undefined) return { data };
      const formatted = formatGraphqlError(first);
      if (data !== null) {
        // A direct Lambda resolver cannot return partial errors: nested failures stay null.
        deps.log.warn('graphql partial result on AppSync', { correlationId, errors: result.errors?.map((error) => error.message) });
        return { data };
      }
      const extensions = formatted.extensions ?? {};
      return { data: null, error: { message: formatted.message, type: typeof extensions['code'] === 'string' ? extensions['code'] : 'GRAPHQL_ERROR', info: extensions } };
    } catch (error) {
      const formatted = formatGraphqlError(toGraphqlError(error, correlationId, (message, fields) => deps.log.error(message, fields)));
      const extensions = formatted.extensions ?? {};
      return { data: null, error: { message: formatted.message, type: typeof extensions['code'] === 'string' ? extensions['code'] : 'INTERNAL', info: extensions } };
    }
  };

  return async (event) => {
    if (Array.isArray(event)) {
      const outcomes = await Promise.all(event.map(run));
      return outcomes.map((outcome): AppSyncBatchItem =>
        outcome.error === undefined ? { data: outcome.data } : { data: null, errorMessage: outcome.error.message, errorType: outcome.error.type, errorInfo: outcome.error.info },
      );
    }
    const outcome = await run(event);
    if (outcome.error !== undefined) throw new AppSyncResolverError(outcome.error.message, outcome.error.type, outcome.error.info);
    return outcome.data;
  };
}
