// `npm run start:aws` (issue 9): AppSync's GraphQL endpoint in front of the GraphQL Lambda
// handler (resolvers/appsync/handler.ts), which runs unchanged. As AppSync does with a direct
// Lambda resolver on each root field (resolver-context-reference.html): it validates the request
// against the deployed schema (no resolvers of its own), calls the Lambda once per root field
// with the coerced arguments, the Cognito identity of the verified token and `info` (the field's
// selection set printed; named fragment spreads forwarded, their definitions not), then resolves
// everything below the root from the Lambda's result by field name, applying the client's
// aliases and dropping what was not selected. Errors come back in AppSync's shape (errorType,
// errorInfo). Queries and mutations only: subscriptions on AWS use AppSync's realtime endpoint.
import type { AppSyncIdentityCognito } from 'aws-lambda';
import {
  defaultFieldResolver,
  execute,
  getOperationAST,
  GraphQLError,
  parse,
  print,
  validate,
  type DocumentNode,
  type GraphQLFieldResolver,
  type GraphQLSchema,
} from 'graphql';
import type { AppSyncEvent } from '../../resolvers/appsync/handler';

export interface AppSyncHttpOptions {
  /** The deployed schema, types only: AppSync resolves nested fields by name. */
  readonly schema: GraphQLSchema;
  /** The GraphQL Lambda's handler. */
  readonly invoke: (event: AppSyncEvent) => Promise<unknown>;
  /** AppSync's Cognito user pool authorization: the identity, or undefined when the token is refused. */
  readonly authenticate: (authorization: string | undefined) => Promise<AppSyncIdentityCognito | undefined>;
}

export interface AppSyncHttpResponse {
  readonly status: number;
  readonly body: unknown;
}

interface GraphqlBody {
  readonly query?: unknown;
  readonly variables?: unknown;
  readonly operationName?: unknown;
}

/** An AppSync error entry (the GraphQL response format plus errorType / errorInfo). */
interface AppSyncError {
  readonly path: readonly (string | number)[] | null;
  readonly data: null;
  readonly errorType: string;
  readonly errorInfo: unknown;
  readonly locations: readonly { line: number; column: number; sourceName: null }[];
  readonly message: string;
}

const unauthorized: AppSyncHttpResponse = {
  status: 401,
  body: { errors: [{ errorType: 'UnauthorizedException', message: 'You are not authorized to make this call.' }] },
};

function badRequest(message: string): AppSyncHttpResponse {
  return { status: 400, body: { errors: [{ errorType: 'MalformedHttpRequestException', message }] } };
}

function appSyncError(error: GraphQLError): AppSyncError {
  // The Lambda runtime reports a thrown error's name as errorType and AppSync passes it on;
  // request errors (syntax, validation, variables) have neither a path nor a Lambda error.
  const original = error.originalError as (Error & { info?: unknown }) | undefined;
  return {
    path: error.path ?? null,
    data: null,
    errorType: original?.name ?? (error.path === undefined ? 'ValidationError' : 'GraphQLError'),
    errorInfo: original?.info ?? null,
    locations: (error.locations ?? []).map((l) => ({ line: l.line, column: l.column, sourceName: null })),
    message: error.message,
  };
}

/** Request errors (syntax, validation): no data. */
function requestErrors(errors: readonly GraphQLError[]): AppSyncHttpResponse {
  return { status: 200, body: { data: null, errors: errors.map(appSyncError) } };
}

/** One GraphQL POST through "AppSync" and the Lambda resolver. */
export async function appSyncRequest(options: AppSyncHttpOptions, rawBody: string, headers: Readonly<Record<string, string>>): Promise<AppSyncHttpResponse> {
  const identity = await options.authenticate(headers['authorization']);
  if (identity === undefined) return unauthorized;
  let request: GraphqlBody;
  try {
    request = JSON.parse(rawBody) as GraphqlBody;
  } catch {
    return badRequest('The request body is not JSON');
  }
  if (typeof request.query !== 'string') return badRequest('The request has no query');
  let document: DocumentNode;
  try {
    document = parse(request.query);
  } catch (error) {
    return requestErrors([error as GraphQLError]);
  }
  const invalid = validate(options.schema, document);
  if (invalid.length > 0) return requestErrors(invalid);
  const operationName = typeof request.operationName === 'string' ? request.operationName : undefined;
  const operation = getOperationAST(document, operationName);
  if (!operation) return badRequest('No operation, or operationName names none');
  if (operation.operation === 'subscription') return badRequest('Subscriptions are served by the realtime endpoint, not over HTTP');
  const rootTypes = new Set([options.schema.getQueryType()?.name, options.schema.getMutationType()?.name]);

  const fieldResolver: GraphQLFieldResolver<unknown, unknown> = (source, args, context, info) => {
    if (!rootTypes.has(info.parentType.name)) return defaultFieldResolver(source, args, context, info);
    const field = info.fieldNodes[0];
    const event: AppSyncEvent = {
      arguments: args as Record<string, unknown>,
      identity,
      source: null,
      request: { headers: { ...headers }, domainName: null },
      info: {
        fieldName: info.fieldName,
        parentTypeName: info.parentType.name,
        variables: info.variableValues,
        selectionSetList: (field?.selectionSet?.selections ?? []).flatMap((s) => (s.kind === 'Field' ? [s.name.value] : [])),
        selectionSetGraphQL: field?.selectionSet ? print(field.selectionSet) : '',
      },
      prev: null,
      stash: {},
    };
    return options.invoke(event);
  };
  // Root mutation fields run one after another, query fields concurrently (GraphQL spec §6.2).
  const result = await execute({
    schema: options.schema,
    document,
    variableValues: typeof request.variables === 'object' && request.variables !== null ? (request.variables as Record<string, unknown>) : {},
    ...(operationName !== undefined ? { operationName } : {}),
    fieldResolver,
  });
  if (result.errors === undefined) return { status: 200, body: { data: result.data ?? null } };
  return { status: 200, body: { data: result.data ?? null, errors: result.errors.map(appSyncError) } };
}
