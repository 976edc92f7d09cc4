// Who is on a WebSocket: the same token verification as REST (the dev issuer locally), with the
// tenant taken from the token since a socket URL carries none.
import { extractBearerToken } from '../../core/authz/bearer';
import { assertTenant } from '../../core/authz/tenancy';
import { ANONYMOUS } from '../../core/http/front-door';
import type { IncomingMessage } from 'node:http';
import { DEFAULT_TENANT, type RequestContext } from '../../core/request';
import type { LocalApp } from '../../wiring/local';

/**
 * `authorization` is `Bearer <jwt>` (graphql-ws connection params) or the bare JWT AppSync
 * clients send in their `Authorization` header.
 */
export async function authenticateSocket(app: LocalApp, authorization: string | undefined, correlationId: string, request?: IncomingMessage): Promise<RequestContext> {
  const verifier = app.door.verifier;
  const header = authorization !== undefined && authorization.trim() !== '' && !/^bearer\s/i.test(authorization.trim()) ? `Bearer ${authorization.trim()}` : authorization;
  const principal = verifier === undefined ? ANONYMOUS : await verifier.verify(extractBearerToken(header));
  const multiTenancy = app.deps.config.multiTenancy;
  const tenant = multiTenancy ? (principal.tenant ?? '') : DEFAULT_TENANT;
  if (multiTenancy) assertTenant(principal, tenant, true);
  const userAgent = request?.headers['user-agent'];
  const client = { ...(request?.socket.remoteAddress !== undefined ? { sourceIp: request.socket.remoteAddress } : {}), ...(userAgent !== undefined ? { userAgent: userAgent.slice(0, 300) } : {}) };
  return { principal, tenant, baseUrl: multiTenancy ? `${app.rootUrl}/tenant/${tenant}` : app.rootUrl, correlationId, client };
}

/** The authorization value of a loosely typed header bag (any case of the name). */
export function authorizationOf(headers: unknown): string | undefined {
  if (typeof headers !== 'object' || headers === null) return undefined;
  for (const [name, value] of Object.entries(headers)) {
    if (name.toLowerCase() === 'authorization' && typeof value === 'string') return value;
  }
  return undefined;
}
