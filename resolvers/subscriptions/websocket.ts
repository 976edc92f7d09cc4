// One WebSocket endpoint for GraphQL subscriptions on the local server (issue 4): the graphql-ws
// protocol (`graphql-transport-ws`) and AppSync's real-time protocol (`graphql-ws`), told apart
// by the negotiated subprotocol, at /graphql and /graphql/realtime (where AppSync clients
// derive it from a custom-domain endpoint /graphql).
import type { IncomingMessage, Server } from 'node:http';
import type { WebSocket } from 'ws';
import { mountWebSocketEndpoint } from '../../local/websocket-endpoint';
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
  let graphqlWs: ((socket: WebSocket, request: IncomingMessage) => void) | undefined;
  let appSync: ((socket: WebSocket, request: IncomingMessage) => void) | undefined;
  return mountWebSocketEndpoint(
    server,
    {
      paths: SUBSCRIPTION_PATHS,
      ws: { handleProtocols: (protocols) => (protocols.has(GRAPHQL_TRANSPORT_WS) ? GRAPHQL_TRANSPORT_WS : protocols.has(APPSYNC_SUBPROTOCOL) ? APPSYNC_SUBPROTOCOL : false) },
      maxConnections: () => getApp().config.FHIR_MAX_WEBSOCKET_CONNECTIONS,
    },
    (socket: WebSocket, request: IncomingMessage) => {
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
    },
  );
}
