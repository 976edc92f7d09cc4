// The R4 websocket Subscription channel (https://hl7.org/fhir/R4/subscription.html#2.46.7.3):
// the client connects, sends `bind <subscription id>`, the server answers `bound <id>` and then
// sends `ping <id>` whenever the Subscription matches a change. Authentication is the GraphQL
// WebSocket's: an `Authorization` header on the upgrade request, or AppSync's base64 JSON
// `header` query parameter (browsers cannot set headers on a WebSocket); the tenant comes from
// the token. Pings come from the process that holds the dispatcher lease.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { WebSocket } from 'ws';
import { toFhirError } from '../core/errors/fhir-error';
import { read } from '../core/interactions/read';
import type { RequestContext } from '../core/request';
import { graphqlAuditRecord } from '../resolvers/graphql-audit';
import { connectionHeader } from '../resolvers/subscriptions/appsync-realtime';
import { authenticateSocket, authorizationOf } from '../resolvers/subscriptions/socket-auth';
import type { LocalApp } from '../wiring/local';
import { mountWebSocketEndpoint } from './websocket-endpoint';

/** Documented in README.md and declared in the CapabilityStatement (capabilitystatement-websocket). */
export const FHIR_WEBSOCKET_PATH = '/fhir/websocket';

export interface FhirWebSocket {
  close(): Promise<void>;
}

export function attachFhirWebSocket(server: Server, getApp: () => LocalApp): FhirWebSocket {
  return mountWebSocketEndpoint(server, { paths: [FHIR_WEBSOCKET_PATH], ws: { maxPayload: 4096 }, maxConnections: () => getApp().config.FHIR_MAX_WEBSOCKET_CONNECTIONS }, (socket: WebSocket, request: IncomingMessage) =>
    serve(getApp(), socket, request),
  );
}

function serve(app: LocalApp, socket: WebSocket, request: IncomingMessage): void {
  const bound = new Set<string>();
  const authorization = request.headers.authorization ?? authorizationOf(connectionHeader(request));
  const authenticated: Promise<RequestContext | undefined> = authenticateSocket(app, authorization, randomUUID(), request).catch((error: unknown) => {
    const fhirError = toFhirError(error, 'fhir-websocket');
    socket.close(fhirError.status === 401 ? 4401 : 4403, fhirError.message.slice(0, 120));
    return undefined;
  });
  let tenant: string | undefined;
  const unsubscribe = app.subscriptionPings.subscribe((changedTenant, id) => {
    if (changedTenant === tenant && bound.has(id)) socket.send(`ping ${id}`);
  });
  socket.on('close', unsubscribe);
  socket.on('message', (data: Buffer) => {
    void (async () => {
      const ctx = await authenticated;
      if (ctx === undefined) return;
      tenant = ctx.tenant;
      const match = /^bind ([A-Za-z0-9\-.]{1,64})$/.exec(data.toString('utf8').trim());
      if (match?.[1] === undefined) {
        socket.send('error expected "bind <subscription id>"');
        return;
      }
      const id = match[1];
      try {
        // Binding reads the Subscription as the caller: the same authorization as a REST read.
        const subscription = (await read(app.deps, ctx, 'Subscription', id)).resource;
        const channel = (subscription?.['channel'] ?? {}) as { type?: unknown };
        if (channel.type !== 'websocket') {
          socket.send(`error ${id} Subscription/${id} does not use the websocket channel`);
          return;
        }
        const maxBindings = app.config.FHIR_MAX_SUBSCRIPTIONS_PER_CONNECTION;
        if (!bound.has(id) && bound.size >= maxBindings) {
          socket.send(`error ${id} at most ${maxBindings} bindings per socket (FHIR_MAX_SUBSCRIPTIONS_PER_CONNECTION)`);
          return;
        }
        bound.add(id);
        app.deps.audit?.record(graphqlAuditRecord(ctx, 'subscribe', 'bind', { resourceType: 'Subscription', id }, 200, 'websocket'));
        socket.send(`bound ${id}`);
      } catch (error) {
        const fhirError = toFhirError(error, ctx.correlationId);
        app.deps.audit?.record(graphqlAuditRecord(ctx, 'subscribe', 'bind', { resourceType: 'Subscription', id }, fhirError.status, 'websocket'));
        socket.send(`error ${id} ${fhirError.message}`);
      }
    })();
  });
}
