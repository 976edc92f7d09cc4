// The transport-neutral GraphQL entry point: the local server mounts it on POST /graphql and
// [base]/$graphql; the AppSync Lambda handler uses the same schema and context.
import {
  GraphQLError,
  GraphQLSchema,
  execute,
  isObjectType,
  subscribe,
  getOperationAST,
  type DocumentNode,
  type ExecutionResult,
  type GraphQLFormattedError,
} from 'graphql';
import type { CoreDeps } from '../core/core-deps';
import type { RequestContext } from '../core/request';
import { FhirError } from '../core/errors/fhir-error';
import { read } from '../core/interactions/read';
import { formatGraphqlError, toGraphqlError } from './errors';
import { createExecutableSchema } from './executable-schema';
import { indexContainers } from './contained-references';
import { DocumentCache, type DocumentCacheStats } from './document-cache';
import { createGraphqlContext } from './graphql-context';
import { defaultQueryLimits, queryLimitsRule, type QueryLimits } from './limits';
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
  /**
   * FHIR's instance-level `[base]/Type/id/$graphql` (https://hl7.org/fhir/R4/graphql.html#invoking):
   * the query runs with the resource, read through the core, as its root.
   */
  executeOnResource(request: GraphqlRequest, ctx: RequestContext, resourceType: string, id: string): Promise<GraphqlResponse>;
  /**
   * Any operation, for WebSocket transports: a subscription gives a stream of responses (one per
   * change), a query or mutation a single response.
   */
  operate(request: GraphqlRequest, ctx: RequestContext): Promise<AsyncIterableIterator<GraphqlResponse> | GraphqlResponse>;
  /** Parsed and validated documents by query text (resolvers/document-cache.ts). */
  readonly documents: { stats(): DocumentCacheStats };
}

function requestError(message: string): GraphqlResponse {
  return { errors: [new GraphQLError(message, { extensions: { code: 'INVALID_REQUEST', status: 400 } }).toJSON()] };
}

/** Build once per process (schema building takes ~100 ms for the full R4 schema). */
export function createGraphqlService(deps: CoreDeps, options: GraphqlServiceOptions = {}): GraphqlService {
  const schema = createExecutableSchema(schemaSdl(options));
  const limits = options.limits ?? defaultQueryLimits;
  const documents = new DocumentCache();

  const resourceSchemas = new Map<string, GraphQLSchema>();
  /** The schema whose query root is one resource type, for instance-level $graphql. */
  const resourceSchema = (resourceType: string): GraphQLSchema | undefined => {
    const type = schema.getType(resourceType);
    if (!isObjectType(type) || !type.getInterfaces().some((iface) => iface.name === 'Resource')) return undefined;
    let built = resourceSchemas.get(resourceType);
    if (built === undefined) {
      built = new GraphQLSchema({ ...schema.toConfig(), query: type, mutation: null, subscription: null });
      resourceSchemas.set(resourceType, built);
    }
    return built;
  };

  const run = async (target: GraphQLSchema, rootValue: unknown, document: DocumentNode, variables: Readonly<Record<string, unknown>>, ctx: RequestContext, operationName?: string): Promise<ExecutionResult> => {
    const errors = documents.validate(target, document, [queryLimitsRule(limits, variables)]);
    if (errors.length > 0) return { errors };
    const operation = getOperationAST(document, operationName);
    if (operation?.operation === 'subscription') {
      return { errors: [new GraphQLError('Subscriptions are served over WebSocket, not over HTTP', { extensions: { code: 'INVALID_REQUEST', status: 400 } })] };
    }
    const contextValue = createGraphqlContext(deps, ctx);
    indexContainers(rootValue, contextValue.containers);
    return execute({ schema: target, rootValue, document, variableValues: variables, operationName: operationName ?? null, contextValue });
  };

  const respond = async (request: GraphqlRequest, ctx: RequestContext, target: () => Promise<{ schema: GraphQLSchema; rootValue: unknown }>): Promise<GraphqlResponse> => {
    if (typeof request.query !== 'string' || request.query.trim() === '') return requestError('The request has no query');
    let document: DocumentNode;
    try {
      document = documents.parse(request.query);
    } catch (error) {
      if (error instanceof GraphQLError) return { errors: [error.toJSON()] };
      throw error;
    }
    let resolved: { schema: GraphQLSchema; rootValue: unknown };
    try {
      resolved = await target();
    } catch (error) {
      return { errors: [formatGraphqlError(toGraphqlError(error, ctx.correlationId, (message, fields) => deps.log.error(message, fields)))] };
    }
    const result = await run(resolved.schema, resolved.rootValue, document, request.variables ?? {}, ctx, request.operationName ?? undefined);
    const errors = result.errors?.map(formatGraphqlError);
    // Errors before execution (validation, variables) leave `data` out (GraphQL spec, Response Format).
    if (!('data' in result) || result.data === undefined) return { errors: errors ?? [] };
    return errors === undefined ? { data: result.data } : { data: result.data, errors };
  };

  const operate = async (request: GraphqlRequest, ctx: RequestContext): Promise<AsyncIterableIterator<GraphqlResponse> | GraphqlResponse> => {
    let document: DocumentNode;
    try {
      document = documents.parse(request.query);
    } catch (error) {
      if (error instanceof GraphQLError) return { errors: [error.toJSON()] };
      throw error;
    }
    const operation = getOperationAST(document, request.operationName ?? undefined);
    if (operation?.operation !== 'subscription') return respond(request, ctx, () => Promise.resolve({ schema, rootValue: undefined }));
    const variables = request.variables ?? {};
    const errors = documents.validate(schema, document, [queryLimitsRule(limits, variables)]);
    if (errors.length > 0) return { errors: errors.map(formatGraphqlError) };
    const contextValue = createGraphqlContext(deps, ctx);
    const result = await subscribe({ schema, document, variableValues: variables, operationName: request.operationName ?? null, contextValue });
    if (!isAsyncIterable(result)) return { errors: (result.errors ?? []).map(formatGraphqlError) };
    return mapStream(result, (event) => {
      const eventErrors = event.errors?.map(formatGraphqlError);
      return eventErrors === undefined ? { data: event.data ?? null } : { data: event.data ?? null, errors: eventErrors };
    });
  };

  return {
    schema,
    documents,
    operate,
    executeDocument: (document, variables, ctx, operationName) => run(schema, undefined, document, variables, ctx, operationName),
    execute: (request, ctx) => respond(request, ctx, () => Promise.resolve({ schema, rootValue: undefined })),
    executeOnResource: (request, ctx, resourceType, id) =>
      respond(request, ctx, async () => {
        const target = resourceSchema(resourceType);
        if (target === undefined) throw new FhirError('UNKNOWN_RESOURCE_TYPE', `'${resourceType}' is not a resource type of this GraphQL schema`);
        const result = await read(deps, ctx, resourceType, id);
        return { schema: target, rootValue: result.resource };
      }),
  };
}

function isAsyncIterable(value: unknown): value is AsyncIterableIterator<ExecutionResult> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}

/** Maps a stream, passing `return()` through so that unsubscribing reaches the ChangeFeed. */
function mapStream<T, U>(source: AsyncIterableIterator<T>, map: (value: T) => U): AsyncIterableIterator<U> {
  const mapped: AsyncIterableIterator<U> = {
    async next() {
      const result = await source.next();
      return result.done === true ? { value: undefined, done: true } : { value: map(result.value), done: false };
    },
    async return() {
      await source.return?.();
      return { value: undefined, done: true };
    },
    [Symbol.asyncIterator]() {
      return mapped;
    },
  };
  return mapped;
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
