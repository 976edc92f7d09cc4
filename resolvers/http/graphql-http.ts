// GraphQL over HTTP for the local server and FHIR's $graphql (issue 4: "POST /graphql plus
// FHIR's [base]/$graphql and [base]/Type/id/$graphql, and a GraphQL IDE page at /graphql").
// Authentication, tenancy and errors go through the core's front door, as for REST.
import { getOperationAST, parse } from 'graphql';
import { FhirError, toFhirError } from '../../core/errors/fhir-error';
import { toFhirRequest, type FrontDoor, type RawHttpRequest } from '../../core/http/front-door';
import type { FhirResponse } from '../../core/request';
import { fhirErrorExtensions } from '../errors';
import type { GraphqlRequest, GraphqlResponse, GraphqlService } from '../execute-graphql';
import { graphiqlPage } from './graphiql-page';
import { PAGE_HEADERS } from './page-headers';

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8' } as const;

function json(status: number, body: GraphqlResponse): FhirResponse {
  return { status, headers: JSON_HEADERS, body: JSON.stringify(body) };
}

function errorResponse(error: FhirError): FhirResponse {
  return { status: error.status, headers: { ...JSON_HEADERS, ...error.headers }, body: JSON.stringify({ errors: [{ message: error.message, extensions: fhirErrorExtensions(error) }] }) };
}

function variablesOf(value: unknown): Record<string, unknown> {
  if (value === undefined || value === null || value === '') return {};
  let parsed: unknown = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch {
      throw new FhirError('INVALID_REQUEST', 'variables is not valid JSON', { expression: ['variables'] });
    }
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new FhirError('INVALID_REQUEST', 'variables must be a JSON object', { expression: ['variables'] });
  return parsed as Record<string, unknown>;
}

/** The GraphQL request of a GET (query string) or POST (application/json or application/graphql). */
function graphqlRequestOf(raw: RawHttpRequest): GraphqlRequest {
  const method = raw.method.toUpperCase();
  if (method === 'GET') {
    const params = new URLSearchParams(raw.rawQuery);
    return { query: params.get('query') ?? '', variables: variablesOf(params.get('variables')), operationName: params.get('operationName') };
  }
  if (method !== 'POST') throw new FhirError('METHOD_NOT_ALLOWED', 'GraphQL takes GET or POST');
  const contentType = (raw.headers['content-type'] ?? 'application/json').split(';')[0]?.trim().toLowerCase();
  if (contentType === 'application/graphql') return { query: raw.body ?? '' };
  if (contentType !== 'application/json' && contentType !== 'application/fhir+json') {
    throw new FhirError('UNSUPPORTED_MEDIA_TYPE', 'Send GraphQL as application/json ({"query": ...}) or application/graphql');
  }
  let body: unknown;
  try {
    body = JSON.parse(raw.body ?? '');
  } catch {
    throw new FhirError('INVALID_JSON', 'The body is not valid JSON');
  }
  if (typeof body !== 'object' || body === null) throw new FhirError('INVALID_REQUEST', 'The body must be a JSON object with a query');
  const fields = body as Record<string, unknown>;
  return {
    query: typeof fields['query'] === 'string' ? fields['query'] : '',
    variables: variablesOf(fields['variables']),
    operationName: typeof fields['operationName'] === 'string' ? fields['operationName'] : null,
  };
}

const BARE_JWT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/**
 * AppSync clients (Amplify, the AppSync Apollo links) send the Cognito JWT as the whole
 * Authorization header, without `Bearer`; GraphQL accepts both forms so they work unchanged.
 */
function withBearerScheme(headers: RawHttpRequest['headers']): RawHttpRequest['headers'] {
  const authorization = headers['authorization']?.trim();
  return authorization !== undefined && BARE_JWT.test(authorization) ? { ...headers, authorization: `Bearer ${authorization}` } : headers;
}

/** GraphQL over HTTP: a GET never mutates. */
function assertNoMutationOverGet(method: string, request: GraphqlRequest): void {
  if (method.toUpperCase() !== 'GET') return;
  try {
    const operation = getOperationAST(parse(request.query), request.operationName ?? undefined);
    if (operation?.operation === 'mutation') throw new FhirError('METHOD_NOT_ALLOWED', 'Mutations must be sent with POST');
  } catch (error) {
    if (error instanceof FhirError) throw error;
    // Syntax errors are reported by execution, in GraphQL form.
  }
}

/**
 * Serves one GraphQL HTTP request. `raw.path` is the path below the FHIR root ending in
 * `$graphql`: `/$graphql` (system level, also what /graphql maps to) or `/Type/id/$graphql`,
 * with `/tenant/<id>` in front when multi-tenancy is on. A browser GET without a query gets the IDE.
 */
export async function handleGraphqlHttp(service: GraphqlService, door: FrontDoor, raw: RawHttpRequest, ideEndpoint?: string): Promise<FhirResponse> {
  const params = new URLSearchParams(raw.rawQuery);
  if (raw.method.toUpperCase() === 'GET' && !params.has('query') && (raw.headers['accept'] ?? '').includes('text/html')) {
    return { status: 200, headers: PAGE_HEADERS, body: graphiqlPage(ideEndpoint ?? '') };
  }
  try {
    // A GET reaches the core as a read; the interaction the query performs is authorized later.
    const fhirRequest = await toFhirRequest(door, { ...raw, method: 'GET', body: '', headers: withBearerScheme(raw.headers) });
    const request = graphqlRequestOf(raw);
    assertNoMutationOverGet(raw.method, request);
    const path = fhirRequest.path;
    if (path[path.length - 1] !== '$graphql' || (path.length !== 1 && path.length !== 3)) {
      throw new FhirError('NOT_FOUND', 'GraphQL is served at [base]/$graphql and [base]/Type/id/$graphql');
    }
    const [resourceType, id] = path;
    const response = path.length === 3 && resourceType !== undefined && id !== undefined
      ? await service.executeOnResource(request, fhirRequest.context, resourceType, id)
      : await service.execute(request, fhirRequest.context);
    return json(200, response);
  } catch (error) {
    return errorResponse(toFhirError(error, raw.correlationId));
  }
}
