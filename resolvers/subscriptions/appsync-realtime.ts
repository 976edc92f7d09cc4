// AWS AppSync's real-time WebSocket protocol, served locally so that Amplify's GraphQL client
// and the AppSync Apollo links work unchanged (DESIGN.md: Subscriptions;
// https://docs.aws.amazon.com/appsync/latest/devguide/real-time-websocket-client.html).
// Subprotocol `graphql-ws`; auth as a base64 JSON `header` query parameter (with `payload=e30=`)
// or a `header-<base64url JSON>` subprotocol, and again per subscription in
// `start.payload.extensions.authorization`. Messages: connection_init / connection_ack, ka,
// start / start_ack, data, error, stop / complete.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { parse, type DocumentNode } from 'graphql';
import type { WebSocket } from 'ws';
import { toFhirError } from '../../core/errors/fhir-error';
import type { RequestContext } from '../../core/request';
import type { LocalApp } from '../../wiring/local';
import type { GraphqlResponse } from '../execute-graphql';
import { graphqlServiceOf } from '../http/local-routes';
import { authenticateSocket, authorizationOf } from './socket-auth';
import { auditSubscriptionStart } from './subscription-audit';

export const APPSYNC_SUBPROTOCOL = 'graphql-ws';
/** AppSync's own limit on a message to a subscriber. */
const MAX_PAYLOAD_BYTES = 240 * 1024;
const CONNECTION_TIMEOUT_MS = 300_000;

export interface AppSyncRealtimeOptions {
  /** How often `ka` is sent (AppSync: about every minute). */
  readonly keepAliveMs?: number;
}

interface AppSyncError {
  readonly errorType: string;
  readonly message: string;
  readonly errorCode?: number;
}

function decodeHeader(encoded: string, encoding: 'base64' | 'base64url'): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(encoded, encoding).toString('utf8'));
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The connection's auth header: `?header=<base64 JSON>` or the `header-<base64url JSON>` subprotocol. */
export function connectionHeader(request: IncomingMessage): Record<string, unknown> | undefined {
  const url = new URL(request.url ?? '/', 'http://local');
  const param = url.searchParams.get('header');
  if (param !== null) return decodeHeader(param, 'base64');
  const protocols = (request.headers['sec-websocket-protocol'] ?? '').split(',').map((protocol) => protocol.trim());
  const encoded = protocols.find((protocol) => protocol.startsWith('header-'));
  return encoded === undefined ? undefined : decodeHeader(encoded.slice('header-'.length), 'base64url');
}

function errorsOf(error: unknown, correlationId: string): AppSyncError[] {
  const fhirError = toFhirError(error, correlationId);
  return [{ errorType: fhirError.status === 401 ? 'UnauthorizedException' : fhirError.code, message: fhirError.message, errorCode: fhirError.status }];
}

function graphqlErrors(response: GraphqlResponse): AppSyncError[] {
  return (response.errors ?? []).map((error) => ({ errorType: typeof error.extensions?.['code'] === 'string' ? error.extensions['code'] : 'GraphQLError', message: error.message }));
}

function parsedDocument(query: string): DocumentNode | undefined {
  try {
    return parse(query);
  } catch {
    return undefined;
  }
}

function parseStartData(data: unknown): { query: string; variables: Record<string, unknown>; operationName: string | null } | undefined {
  if (typeof data !== 'string') return undefined;
  try {
    const parsed = JSON.parse(data) as Record<string, unknown>;
    if (typeof parsed['query'] !== 'string') return undefined;
    const variables = typeof parsed['variables'] === 'object' && parsed['variables'] !== null ? (parsed['variables'] as Record<string, unknown>) : {};
    return { query: parsed['query'], variables, operationName: typeof parsed['operationName'] === 'string' ? parsed['operationName'] : null };
  } catch {
    return undefined;
  }
}

/** Serves one accepted socket whose subprotocol is AppSync's `graphql-ws`. */
export function serveAppSyncRealtime(app: LocalApp, options: AppSyncRealtimeOptions = {}): (socket: WebSocket, request: IncomingMessage) => void {
  const service = graphqlServiceOf(app);
  const keepAliveMs = options.keepAliveMs ?? 60_000;

  return (socket, request) => {
    const subscriptions = new Map<string, AsyncIterableIterator<GraphqlResponse>>();
    let starting = 0;
    const header = connectionHeader(request);
    let connectionCtx: Promise<RequestContext> | undefined;
    let keepAlive: NodeJS.Timeout | undefined;

    const send = (message: Record<string, unknown>): void => {
      if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
    };
    const stopAll = (): void => {
      if (keepAlive !== undefined) clearInterval(keepAlive);
      for (const iterator of subscriptions.values()) void iterator.return?.();
      subscriptions.clear();
    };

    const pump = async (id: string, iterator: AsyncIterableIterator<GraphqlResponse>): Promise<void> => {
      try {
        for (let next = await iterator.next(); next.done !== true; next = await iterator.next()) {
          const message = JSON.stringify({ type: 'data', id, payload: { data: next.value.data ?? null, ...(next.value.errors ? { errors: next.value.errors } : {}) } });
          if (Buffer.byteLength(message) > MAX_PAYLOAD_BYTES) {
            send({ type: 'error', id, payload: { errors: [{ errorType: 'MaxSubscriptionPayloadSizeExceeded', message: `The event is larger than ${MAX_PAYLOAD_BYTES} bytes` }] } });
            continue;
          }
          if (socket.readyState === socket.OPEN) socket.send(message);
        }
      } catch (error) {
        send({ type: 'error', id, payload: { errors: errorsOf(error, id) } });
      } finally {
        subscriptions.delete(id);
      }
    };

    const start = async (id: string, payload: Record<string, unknown>): Promise<void> => {
      const data = parseStartData(payload['data']);
      if (data === undefined) return send({ type: 'error', id, payload: { errors: [{ errorType: 'BadRequestException', message: 'start.payload.data must be a JSON string with a query' }] } });
      if (subscriptions.has(id)) return send({ type: 'error', id, payload: { errors: [{ errorType: 'DuplicatedOperationError', message: `Subscription id ${id} is already in use` }] } });
      // AppSync's own per-connection limit answers MaxSubscriptionsReachedError (issue 16, "Limits").
      const maxSubscriptions = app.config.FHIR_MAX_SUBSCRIPTIONS_PER_CONNECTION;
      if (subscriptions.size + starting >= maxSubscriptions) {
        return send({ type: 'error', id, payload: { errors: [{ errorType: 'MaxSubscriptionsReachedError', message: `At most ${maxSubscriptions} subscriptions per connection (FHIR_MAX_SUBSCRIPTIONS_PER_CONNECTION)` }] } });
      }
      // Starts still authenticating count too, so a burst of starts cannot overshoot.
      starting += 1;
      try {
        const extensions = typeof payload['extensions'] === 'object' && payload['extensions'] !== null ? (payload['extensions'] as Record<string, unknown>) : {};
        const startAuthorization = authorizationOf(extensions['authorization']);
        let ctx: RequestContext;
        try {
          ctx = startAuthorization !== undefined ? await authenticateSocket(app, startAuthorization, id, request) : await (connectionCtx ?? Promise.reject(new Error('connection_init first')));
        } catch (error) {
          return send({ type: 'error', id, payload: { errors: errorsOf(error, id) } });
        }
        const result = await service.operate(data, ctx);
        auditSubscriptionStart(app.deps.audit, ctx, parsedDocument(data.query), data.variables, data.operationName ?? undefined, Symbol.asyncIterator in result ? 200 : 400);
        if (!(Symbol.asyncIterator in result)) {
          // AppSync's real-time endpoint carries subscriptions only; errors end the start.
          const errors = graphqlErrors(result);
          return send({ type: 'error', id, payload: { errors: errors.length > 0 ? errors : [{ errorType: 'UnsupportedOperation', message: 'Only subscriptions are served on the real-time endpoint' }] } });
        }
        subscriptions.set(id, result);
        send({ type: 'start_ack', id });
        void pump(id, result);
      } finally {
        starting -= 1;
      }
    };

    socket.on('message', (raw: Buffer) => {
      let message: Record<string, unknown>;
      try {
        message = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
      } catch {
        return send({ type: 'connection_error', payload: { errors: [{ errorType: 'BadRequestException', message: 'Messages must be JSON' }] } });
      }
      const id = typeof message['id'] === 'string' ? message['id'] : '';
      switch (message['type']) {
        case 'connection_init':
          connectionCtx = authenticateSocket(app, authorizationOf(header), randomUUID(), request);
          connectionCtx.then(
            () => {
              send({ type: 'connection_ack', payload: { connectionTimeoutMs: CONNECTION_TIMEOUT_MS } });
              send({ type: 'ka' });
              keepAlive = setInterval(() => send({ type: 'ka' }), keepAliveMs);
            },
            (error: unknown) => {
              send({ type: 'connection_error', payload: { errors: errorsOf(error, 'connection') } });
              socket.close(1000);
            },
          );
          return;
        case 'start': {
          const payload = typeof message['payload'] === 'object' && message['payload'] !== null ? (message['payload'] as Record<string, unknown>) : {};
          void start(id, payload);
          return;
        }
        case 'stop': {
          const iterator = subscriptions.get(id);
          subscriptions.delete(id);
          void iterator?.return?.();
          return send({ type: 'complete', id });
        }
        default:
          return send({ type: 'error', id, payload: { errors: [{ errorType: 'UnsupportedOperation', message: `Unknown message type ${String(message['type'])}` }] } });
      }
    });
    socket.once('close', stopAll);
  };
}
