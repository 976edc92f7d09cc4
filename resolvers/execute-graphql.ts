// The transport-neutral GraphQL entry point: the local server mounts it on POST /graphql and
// [base]/$graphql; the AppSync Lambda handler uses the same schema and context.
import {
  GraphQLError,
  execute,
  getOperationAST,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type ExecutionResult,
  type GraphQLFormattedError,
  type GraphQLSchema,
} from 'graphql';
import type { CoreDeps } from '../core/core-deps';
import type { RequestContext } from '../core/request';
import { formatGraphqlError } from './errors';
import { createExecutableSchema } from './executable-schema';
import type { GraphqlContext } from './graphql-context';
import { defaultQueryLimits, queryLimitsRule, type QueryLimits } from './limits';
import { createReferenceLoader } from './reference-loader';
import { schemaSdl, type SchemaOptions } from './schema/load';

export interface GraphqlRequest {
  readonly query: string;
  readonly variables?: Readonly<Record<string, unknown>> | null;
  readonly operationName?: string | null;
}

/** The JSON body of a GraphQL response (https://spec.graphql.org/October2021/#sec-Response-Format). */
export interface GraphqlResponse {
  readonly data?: Record<string, unknown> | null;
  readonly errors?: readonly GraphQLFormattedError[];
}

export interface GraphqlServiceOptions extends SchemaOptions {
  readonly limits?: QueryLimits;
}

export interface GraphqlService {
  readonly schema: GraphQLSchema;
  /** Parses, validates (with depth and cost limits) and executes one request for one caller. */
  execute(request: GraphqlRequest, ctx: RequestContext): Promise<GraphqlResponse>;
  /** Executes an already parsed document (the AppSync handler builds its own). */
  executeDocument(document: DocumentNode, variables: Readonly<Record<string, unknown>>, ctx: RequestContext, operationName?: string): Promise<ExecutionResult>;
}

function requestError(message: string): GraphqlResponse {
  return { errors: [new GraphQLError(message, { extensions: { code: 'INVALID_REQUEST', status: 400 } }).toJSON()] };
}

/** Build once per process (schema building takes ~100 ms for the full R4 schema). */
export function createGraphqlService(deps: CoreDeps, options: GraphqlServiceOptions = {}): GraphqlService {
  const schema = createExecutableSchema(schemaSdl(options));
  const limits = options.limits ?? defaultQueryLimits;

  const executeDocument = async (document: DocumentNode, variables: Readonly<Record<string, unknown>>, ctx: RequestContext, operationName?: string): Promise<ExecutionResult> => {
    const errors = validate(schema, document, [...specifiedRules, queryLimitsRule(limits, variables)]);
    if (errors.length > 0) return { errors };
    const operation = getOperationAST(document, operationName);
    if (operation?.operation === 'subscription') {
      return { errors: [new GraphQLError('Subscriptions are served over WebSocket, not over HTTP POST', { extensions: { code: 'INVALID_REQUEST', status: 400 } })] };
    }
    const contextValue: GraphqlContext = { deps, ctx, references: createReferenceLoader(deps, ctx) };
    return execute({ schema, document, variableValues: variables, operationName: operationName ?? null, contextValue });
  };

  return {
    schema,
    executeDocument,
    async execute(request, ctx) {
      if (typeof request.query !== 'string' || request.query.trim() === '') return requestError('The request has no query');
      let document: DocumentNode;
      try {
        document = parse(request.query);
      } catch (error) {
        if (error instanceof GraphQLError) return { errors: [error.toJSON()] };
        throw error;
      }
      const result = await executeDocument(document, request.variables ?? {}, ctx, request.operationName ?? undefined);
      const errors = result.errors?.map(formatGraphqlError);
      // Errors before execution (validation, variables) leave `data` out (GraphQL spec, Response Format).
      if (!('data' in result) || result.data === undefined) return { errors: errors ?? [] };
      return errors === undefined ? { data: result.data } : { data: result.data, errors };
    },
  };
}

const services = new WeakMap<CoreDeps, GraphqlService>();

/**
 * Convenience for transports: executes with a service cached per CoreDeps (full schema, default
 * limits). Use createGraphqlService directly for a subset schema or other limits.
 */
export function executeGraphql(request: GraphqlRequest, ctx: RequestContext, deps: CoreDeps): Promise<GraphqlResponse> {
  let service = services.get(deps);
  if (service === undefined) {
    service = createGraphqlService(deps);
    services.set(deps, service);
  }
  return service.execute(request, ctx);
}
