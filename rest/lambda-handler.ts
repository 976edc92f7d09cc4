import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { handleHttp, type FrontDoor } from '../core/http/front-door';
import { HEALTH_PATHS, liveness, readiness } from '../core/http/health';
import { corsHeaders, preflightResponse, type CorsPolicy } from './cors';

export interface LambdaRestOptions {
  /** The public FHIR root; when absent it is derived from the event (https://domain/stage). */
  readonly rootUrl?: string;
  /** CORS for browser apps; default any origin (tokens are bearer headers, never cookies). */
  readonly cors?: CorsPolicy;
}

export type RestLambdaHandler = (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>;

/**
 * The API Gateway (REST API, Lambda proxy integration) transport: it only translates the event
 * into a raw HTTP request for the core's front door and the answer back (STYLE.md).
 */
export function createRestLambdaHandler(getDoor: () => Promise<FrontDoor> | FrontDoor, options: LambdaRestOptions = {}): RestLambdaHandler {
  return async (event) => {
    const door = await getDoor();
    const headers: Record<string, string | undefined> = {};
    for (const [name, value] of Object.entries(event.multiValueHeaders ?? {})) {
      if (value && value.length > 0) headers[name.toLowerCase()] = value.join(', ');
    }
    for (const [name, value] of Object.entries(event.headers ?? {})) {
      if (value !== undefined && headers[name.toLowerCase()] === undefined) headers[name.toLowerCase()] = value;
    }
    const query = new URLSearchParams();
    if (event.multiValueQueryStringParameters) {
      for (const [name, values] of Object.entries(event.multiValueQueryStringParameters)) for (const value of values ?? []) query.append(name, value);
    } else {
      for (const [name, value] of Object.entries(event.queryStringParameters ?? {})) if (value !== undefined) query.append(name, value);
    }
    const cors = options.cors ?? { origins: ['*'] };
    const preflight = preflightResponse(cors, event.httpMethod, headers);
    if (preflight) return { statusCode: preflight.status, headers: preflight.headers, body: '' };
    const proxy = event.pathParameters?.['proxy'];
    const path = proxy !== undefined ? `/${proxy}` : event.path;
    // Probes (issue 15) need no token; `healthz`/`readyz` can never be a FHIR resource type.
    if (event.httpMethod === 'GET' && (path === HEALTH_PATHS.liveness || path === HEALTH_PATHS.readiness)) {
      const probe = path === HEALTH_PATHS.liveness ? liveness() : await readiness(door.deps.store);
      return { statusCode: probe.status, headers: { ...probe.headers }, body: String(probe.body ?? '') };
    }
    const rootUrl = options.rootUrl ?? `https://${event.requestContext.domainName ?? headers['host'] ?? 'localhost'}/${event.requestContext.stage}`;
    const bytes = event.body === null ? undefined : event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
    const body = bytes?.toString('utf8');
    const response = await handleHttp(door, {
      method: event.httpMethod,
      path,
      rawQuery: query.toString(),
      headers,
      ...(body !== undefined ? { body } : {}),
      ...(bytes !== undefined ? { bytes } : {}),
      rootUrl: rootUrl.replace(/\/+$/, ''),
      correlationId: event.requestContext.requestId,
      ...(typeof event.requestContext.identity?.sourceIp === 'string' ? { sourceIp: event.requestContext.identity.sourceIp } : {}),
    });
    const responseHeaders = { ...response.headers, ...corsHeaders(cors, headers['origin']) };
    // Raw Binary content travels base64-encoded through API Gateway (binary media types).
    if (response.body instanceof Uint8Array) {
      return { statusCode: response.status, headers: responseHeaders, body: Buffer.from(response.body).toString('base64'), isBase64Encoded: true };
    }
    return { statusCode: response.status, headers: responseHeaders, body: response.body ?? '' };
  };
}
