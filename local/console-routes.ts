// The web console on the local server (issue 15): its page at `/` for browsers, the bundled
// assets under /console/, and the dev-token endpoint its sign-in form calls.
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import { z } from 'zod';
import { buildConsoleAssets, type ConsoleAssets } from '../console/build';
import { consoleShell } from '../console/page';
import type { FhirResponse } from '../core/request';
import { CONSOLE_ASSET_PATH } from '../resolvers/http/graphiql-page';
import { PAGE_HEADERS } from '../resolvers/http/page-headers';
import type { LocalApp } from '../wiring/local';
import type { ExtraRoute } from './http-server';
import type { RootLinks } from './site-routes';

export const DEV_TOKEN_PATH = '/console/dev-token';

let assets: Promise<ConsoleAssets> | undefined;

/** Bundles once per process; `npm start` calls it at start so the first page is quick. */
export function consoleAssets(): Promise<ConsoleAssets> {
  assets ??= buildConsoleAssets().catch((error: unknown) => {
    assets = undefined;
    throw error;
  });
  return assets;
}

const json = (status: number, body: unknown): FhirResponse => ({ status, headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }, body: JSON.stringify(body) });

/** The console's page: a shell whose links work without script, settings in data- attributes. */
export function consolePage(app: LocalApp, links: RootLinks): FhirResponse {
  const settings = {
    fhirRoot: app.rootUrl,
    graphqlUrl: links.graphql,
    subscriptionsUrl: links.subscriptions,
    authMode: app.config.FHIR_AUTH_MODE,
    multiTenancy: String(app.config.FHIR_MULTI_TENANCY),
    devTokens: String(devTokensAllowed(app)),
    groups: Object.keys(app.accessConfig.groups ?? {}).join(','),
  };
  const nav = [
    { href: links.fhir, label: 'FHIR base' },
    { href: links.metadata, label: 'CapabilityStatement' },
    { href: '#/live', label: 'Live changes' },
    { href: links.graphql, label: 'GraphQL IDE' },
    { href: links.docs, label: 'FHIR R4 docs' },
  ];
  return { status: 200, headers: PAGE_HEADERS, body: consoleShell(CONSOLE_ASSET_PATH, settings, nav) };
}

const LOOPBACK_HOSTS = new Set(['localhost', '::1']);

function isLoopback(address: string | undefined): boolean {
  if (address === undefined) return false;
  const bare = address.replace(/^::ffff:/, '');
  if (LOOPBACK_HOSTS.has(bare)) return true;
  return isIP(bare) === 4 && bare.startsWith('127.');
}

/**
 * Dev tokens are for a developer's own machine: only when the server listens on loopback and
 * its tokens come from the local dev issuer (not with auth off, where no token is needed).
 */
export function devTokensAllowed(app: LocalApp): boolean {
  return app.devIssuer !== undefined && isLoopback(app.config.HOST);
}

const devTokenRequest = z.strictObject({
  group: z.string().min(1).max(64).optional(),
  tenant: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/).optional(),
  scopes: z.string().max(2000).optional(),
  patient: z.string().regex(/^[A-Za-z0-9\-.]{1,64}$/).optional(),
  fhirUser: z.string().regex(/^[A-Za-z]+\/[A-Za-z0-9\-.]{1,64}$/).optional(),
});

const TOKEN_LIFETIME_SECONDS = 3600;

function problem(status: number, message: string, expression?: string): FhirResponse {
  return json(status, { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: status === 403 ? 'forbidden' : 'invalid', diagnostics: message, ...(expression === undefined ? {} : { expression: [expression] }) }] });
}

/**
 * POST /console/dev-token {group, tenant, scopes, patient, fhirUser}: a token from the dev
 * issuer, like `npm run token`. Refused unless the server and the caller are on loopback, and
 * refused to other origins: CORS may allow `*` for the API, but a page elsewhere must not mint.
 */
export function mintDevToken(app: LocalApp, req: IncomingMessage, body: string): FhirResponse {
  if (!devTokensAllowed(app)) return problem(403, app.devIssuer === undefined ? 'Authentication is off (FHIR_AUTH_MODE=none): no token is needed' : 'Dev tokens are only issued by a server listening on loopback (HOST=127.0.0.1)');
  if (!isLoopback(req.socket.remoteAddress)) return problem(403, 'Dev tokens are only issued to callers on this machine');
  const origin = req.headers.origin;
  if (req.headers['sec-fetch-site'] === 'cross-site' || (origin !== undefined && origin !== `http://${req.headers.host ?? ''}`)) return problem(403, 'Dev tokens are only issued to the console on this origin');
  if ((req.headers['content-type'] ?? '').split(';')[0]?.trim() !== 'application/json') return problem(415, 'Send the sign-in as application/json');
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return problem(400, 'The body is not valid JSON');
  }
  const result = devTokenRequest.safeParse(parsed);
  if (!result.success) {
    const issue = result.error.issues[0];
    return problem(400, issue?.message ?? 'invalid sign-in', issue?.path.join('.'));
  }
  const input = result.data;
  const smart = app.config.FHIR_AUTH_MODE === 'smart';
  const groups = Object.keys(app.accessConfig.groups ?? {});
  if (!smart && (input.group === undefined || !groups.includes(input.group))) return problem(400, `group must be one of ${groups.join(', ')}`, 'group');
  if (app.config.FHIR_MULTI_TENANCY && input.tenant === undefined) return problem(400, 'Multi-tenancy is on: a tenant is required', 'tenant');
  const scopes = input.scopes?.split(/\s+/).filter((scope) => scope !== '');
  if (smart && (scopes === undefined || scopes.length === 0)) return problem(400, 'SMART mode: give at least one scope, e.g. user/*.cruds', 'scopes');
  const token = app.devIssuer?.mint({
    ...(input.group !== undefined ? { groups: [input.group] } : {}),
    ...(input.tenant !== undefined ? { tenant: input.tenant } : {}),
    ...(smart && scopes !== undefined ? { scopes } : {}),
    ...(input.patient !== undefined ? { patient: input.patient } : {}),
    ...(input.fhirUser !== undefined ? { fhirUser: input.fhirUser } : {}),
    expiresInSeconds: TOKEN_LIFETIME_SECONDS,
  });
  return json(200, { token, expiresIn: TOKEN_LIFETIME_SECONDS, authMode: app.config.FHIR_AUTH_MODE });
}

/** /console/<asset> and the dev-token endpoint. */
export function consoleRoutes(getApp: () => LocalApp): ExtraRoute[] {
  return [
    async (req, url, body) => {
      if (!url.pathname.startsWith(CONSOLE_ASSET_PATH)) return undefined;
      if (url.pathname === DEV_TOKEN_PATH) return req.method === 'POST' ? mintDevToken(getApp(), req, body) : problem(405, 'POST the sign-in');
      if (req.method !== 'GET' && req.method !== 'HEAD') return undefined;
      const asset = (await consoleAssets()).get(url.pathname.slice(CONSOLE_ASSET_PATH.length));
      if (asset === undefined) return undefined;
      const headers = { 'content-type': asset.contentType, etag: asset.etag, 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff' };
      if (req.headers['if-none-match'] === asset.etag) return { status: 304, headers };
      return { status: 200, headers, body: asset.body };
    },
  ];
}
