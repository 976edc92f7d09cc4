// Mounts GraphQL on the local server (local/start.ts takes extra routes of this shape):
// POST/GET /graphql (and the IDE for a browser), [base]/$graphql and [base]/Type/id/$graphql.
import type { IncomingMessage } from 'node:http';
import type { FhirResponse } from '../../core/request';
import type { LocalApp } from '../../wiring/local';
import { createGraphqlService, type GraphqlService } from '../execute-graphql';
import { handleGraphqlHttp } from './graphql-http';
import { headersOf } from '../../rest/node-headers';

export type GraphqlRoute = (req: IncomingMessage, url: URL, body: string) => Promise<FhirResponse | undefined>;

export const GRAPHQL_PATH = '/graphql';
const FHIR_MOUNT = '/fhir';

/** FHIR_GRAPHQL_TYPES (parsed once in wiring/config.ts) restricts the schema to those types. */
export function graphqlTypesOf(setting: string | undefined): string[] | undefined {
  const types = (setting ?? '').split(',').map((type) => type.trim()).filter((type) => type.length > 0);
  return types.length > 0 ? types : undefined;
}

const services = new WeakMap<LocalApp, GraphqlService>();

/** One executable schema per app (building the full R4 schema takes a moment). */
export function graphqlServiceOf(app: LocalApp): GraphqlService {
  let service = services.get(app);
  if (service === undefined) {
    const resourceTypes = graphqlTypesOf(app.config.FHIR_GRAPHQL_TYPES);
    service = createGraphqlService(app.deps, resourceTypes === undefined ? {} : { resourceTypes });
    services.set(app, service);
  }
  return service;
}

/** The route for local/start.ts: `startLocalServer(config, options, (getApp) => [graphqlRoute(getApp)])`. */
export function graphqlRoute(getApp: () => LocalApp): GraphqlRoute {
  return async (req, url, body) => {
    const pathname = url.pathname.replace(/%24/gi, '$');
    const app = getApp();
    let path: string | undefined;
    if (pathname === GRAPHQL_PATH && !app.deps.config.multiTenancy) path = '/$graphql';
    else if (pathname.startsWith(`${FHIR_MOUNT}/`) && pathname.endsWith('/$graphql')) path = pathname.slice(FHIR_MOUNT.length);
    if (pathname === GRAPHQL_PATH && path === undefined) {
      // With multi-tenancy the tenant is in the URL: /graphql cannot know it.
      const body = { errors: [{ message: 'Multi-tenancy is on: use [root]/fhir/tenant/<tenantId>/$graphql', extensions: { code: 'NOT_FOUND', status: 404 } }] };
      return { status: 404, headers: { 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify(body) };
    }
    if (path === undefined) return undefined;
    const correlationId = typeof req.headers['x-request-id'] === 'string' ? req.headers['x-request-id'].slice(0, 100) : `graphql-${Date.now()}`;
    return handleGraphqlHttp(graphqlServiceOf(app), app.door, {
      method: req.method ?? 'GET',
      path,
      rawQuery: url.search.replace(/^\?/, ''),
      headers: headersOf(req),
      body,
      rootUrl: app.rootUrl,
      correlationId,
      ...(req.socket.remoteAddress !== undefined ? { sourceIp: req.socket.remoteAddress } : {}),
    }, url.pathname);
  };
}
