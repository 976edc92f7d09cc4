// One WebSocket endpoint for GraphQL subscriptions on the local server (issue 4): the graphql-ws
// protocol (`graphql-transport-ws`) and AppSync's real-time protocol (`graphql-ws`), told apart
// by the negotiated subprotocol, at /graphql and /graphql/realtime (where AppSync clients
// derive it from a custom-domain endpoint /graphql).
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { addUpgradeRoute } from '../../local/upgrade';
import type { LocalApp } from '../../wiring/local';
import { APPSYNC_SUBPROTOCOL, serveAppSyncRealtime, type AppSyncRealtimeOptions } from './appsync-realtime';
import { serveGraphqlTransportWs } from './graphql-transport-ws';

export const GRAPHQL_TRANSPORT_WS = 'graphql-transport-ws';
export const SUBSCRIPTION_PATHS: readonly string[] = ['/graphql', '/graphql/realtime'];

export interface GraphqlWebSocket {
  /** Closes every socket and stops listening for upgrades. */
  close(): Promise<void>;
}

/**
 * Attaches to the local HTTP server's `upgrade` event: `attachGraphqlWebSocket(running.server, () => running.app)`.
 */
export function attachGraphqlWebSocket(server: Server, getApp: () => LocalApp, options: AppSyncRealtimeOptions = {}): GraphqlWebSocket {
  const wss = new WebSocketServer({
    noServer: true,
    handleProtocols: (protocols) => (protocols.has(GRAPHQL_TRANSPORT_WS) ? GRAPHQL_TRANSPORT_WS : protocols.has(APPSYNC_SUBPROTOCOL) ? APPSYNC_SUBPROTOCOL : false),
  });
  let graphqlWs: ((socket: WebSocket, request: IncomingMessage) => void) | undefined;
  let appSync: ((socket: WebSocket, request: IncomingMessage) => void) | undefined;

  wss.on('connection', (socket: WebSocket, request: IncomingMessage) => {
    const app = getApp();
    if (socket.protocol === GRAPHQL_TRANSPORT_WS) {
      graphqlWs ??= serveGraphqlTransportWs(app);
      graphqlWs(socket, request);
    } else if (socket.protocol === APPSYNC_SUBPROTOCOL) {
      appSync ??= serveAppSyncRealtime(app, options);
      appSync(socket, request);
    } else {
      socket.close(1002, `Use the ${GRAPHQL_TRANSPORT_WS} or ${APPSYNC_SUBPROTOCOL} subprotocol`);
    }
  });

  // Only WebSocket offers on the subscription paths are taken; every other upgrade (h2c, a
  // WebSocket elsewhere) is answered as plain HTTP by local/upgrade.ts.
  const removeRoute = addUpgradeRoute(server, (request: IncomingMessage, socket: Duplex, head: Buffer): boolean => {
    const pathname = new URL(request.url ?? '/', 'http://local').pathname;
    if (!SUBSCRIPTION_PATHS.includes(pathname) || request.headers.upgrade?.toLowerCase() !== 'websocket') return false;
    wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
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
