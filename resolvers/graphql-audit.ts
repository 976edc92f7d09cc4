// One audit record per GraphQL root field (issue 13): the field, the interaction it performs,
// its arguments' type/id/search, the result count and the outcome, in both homes (the local
// server and the AppSync Lambda run the same executable schema).
import { compact, loggableQuery, outcomeOf, whoOf } from '../core/audit/audit-record';
import { toFhirError } from '../core/errors/fhir-error';
import type { AuditRecord } from '../core/ports/audit-sink';
import type { RequestContext } from '../core/request';
import type { GraphqlContext } from './graphql-context';
import { searchQuery } from './search-arguments';

type Args = Readonly<Record<string, unknown>>;
type Resolver<I> = (source: unknown, args: Args, context: GraphqlContext, info: I) => unknown;

const INTERACTIONS: Readonly<Record<string, string>> = { '': 'read', List: 'search-type', Connection: 'search-type', Create: 'create', Update: 'update', Delete: 'delete' };

function countOf(value: unknown): number | undefined {
  if (Array.isArray(value)) return value.length;
  const edges = (value as { edges?: unknown } | undefined)?.edges;
  return Array.isArray(edges) ? edges.length : undefined;
}

export function graphqlAuditRecord(ctx: RequestContext, interaction: string, operation: string, what: Omit<AuditRecord['what'], 'status'>, status: number, transport: AuditRecord['how']['transport'] = 'graphql'): AuditRecord {
  return {
    time: new Date().toISOString(),
    correlationId: ctx.correlationId,
    outcome: outcomeOf(status),
    who: whoOf(ctx.principal, ctx.tenant),
    how: { interaction, operation, transport },
    what: compact({ ...what, status }),
    where: compact({ sourceIp: ctx.client?.sourceIp, userAgent: ctx.client?.userAgent }),
  };
}

/** Wraps a root field resolver of `type` + `suffix` (e.g. Patient + List) so that it is audited. */
export function audited<I>(type: string, suffix: string, resolve: Resolver<I>): Resolver<I> {
  const interaction = INTERACTIONS[suffix] ?? 'operation';
  const operation = `${type}${suffix}`;
  return async (source, args, context, info) => {
    const audit = context.deps.audit;
    if (audit === undefined) return resolve(source, args, context, info);
    const id = typeof args['id'] === 'string' ? args['id'] : undefined;
    const query = interaction === 'search-type' ? loggableQuery(searchQuery(args)) : undefined;
    try {
      const result: unknown = await resolve(source, args, context, info);
      const resultId = (result as { id?: unknown } | undefined)?.id;
      audit.record(graphqlAuditRecord(context.ctx, interaction, operation, compact({
        resourceType: type,
        id: id ?? (typeof resultId === 'string' ? resultId : undefined),
        query,
        resultCount: countOf(result),
      }), 200));
      return result;
    } catch (error) {
      audit.record(graphqlAuditRecord(context.ctx, interaction, operation, compact({ resourceType: type, id, query }), toFhirError(error, context.ctx.correlationId).status));
      throw error;
    }
  };
}
