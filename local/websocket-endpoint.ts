// One way to mount a WebSocket endpoint on the local server (the GraphQL subscriptions endpoint
// and the FHIR websocket channel both use it), with the server-wide connection limit (issue 16,
// "Limits"): an upgrade beyond FHIR_MAX_WEBSOCKET_CONNECTIONS is answered with 503, Retry-After
// and an OperationOutcome before the protocol switch, so open sockets, and the memory each one
// holds, stay bounded.
import { STATUS_CODES, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type ServerOptions, type WebSocket } from 'ws';
import { addUpgradeRoute } from './upgrade';

export interface WebSocketEndpointOptions {
  /** The paths this endpoint takes WebSocket offers on. */
  readonly paths: readonly string[];
  /** Options for `ws` (subprotocol choice, largest message). */
  readonly ws?: Pick<ServerOptions, 'handleProtocols' | 'maxPayload'>;
  /** Open WebSockets across every endpoint of the server, at most (read per upgrade). */
  readonly maxConnections: () => number;
}

export interface WebSocketEndpoint {
  /** Closes every socket of this endpoint and stops taking upgrades. */
  close(): Promise<void>;
}

/** Open sockets per HTTP server, shared by all its endpoints. */
const openByServer = new WeakMap<Server, { open: number }>();

/** A plain HTTP answer on a socket that was offered an upgrade, then closed. */
export function refuseUpgrade(socket: Duplex, status: number, diagnostics: string, retryAfterSeconds?: number): void {
  const body = JSON.stringify({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: status === 503 ? 'transient' : 'processing', diagnostics }] });
  const head = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}`,
    'Content-Type: application/fhir+json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    ...(retryAfterSeconds !== undefined ? [`Retry-After: ${retryAfterSeconds}`] : []),
    'Connection: close',
  ];
  socket.end(`${head.join('\r\n')}\r\n\r\n${body}`);
}

export function mountWebSocketEndpoint(server: Server, options: WebSocketEndpointOptions, onConnection: (socket: WebSocket, request: IncomingMessage) => void): WebSocketEndpoint {
  let counter = openByServer.get(server);
  if (!counter) {
    counter = { open: 0 };
    openByServer.set(server, counter);
  }
  const open = counter;
  const wss = new WebSocketServer({ noServer: true, ...options.ws });
  wss.on('connection', (socket: WebSocket, request: IncomingMessage) => {
    socket.once('close', () => {
      open.open -= 1;
    });
    onConnection(socket, request);
  });

  // Only WebSocket offers on this endpoint's paths are taken; every other upgrade (h2c, a
  // WebSocket elsewhere) is answered as plain HTTP by local/upgrade.ts.
  const removeRoute = addUpgradeRoute(server, (request: IncomingMessage, socket: Duplex, head: Buffer): boolean => {
    const pathname = new URL(request.url ?? '/', 'http://local').pathname;
    if (!options.paths.includes(pathname) || request.headers.upgrade?.toLowerCase() !== 'websocket') return false;
    const limit = options.maxConnections();
    if (open.open >= limit) {
      refuseUpgrade(socket, 503, `The server holds its limit of ${limit} WebSocket connections (FHIR_MAX_WEBSOCKET_CONNECTIONS); try again later`, 5);
      return true;
    }
    // Counted from the offer on, so a burst of handshakes cannot overshoot the limit.
    open.open += 1;
    let upgraded = false;
    socket.once('close', () => {
      if (!upgraded) open.open -= 1;
    });
    wss.handleUpgrade(request, socket, head, (ws) => {
      upgraded = true;
      wss.emit('connection', ws, request);
    });
    return true;
  });

  return {
    close: () =>
      new Promise<void>((resolve) => {
        removeRoute();
        for (const client of wss.clients) client.terminate();
        wss.close(() => resolve());
      }),
  };
}
