// Connection-level handling of `Upgrade` requests (issue 9, defect 1). Node emits every request
// that carries `Connection: upgrade` as an 'upgrade' event once any listener exists, and hands
// the raw socket over; a listener that returns without answering leaves the client hanging
// (Java's HttpClient sends `Upgrade: h2c` on every http:// request). RFC 9110 §7.8: a server
// MAY ignore Upgrade and answer the request as it stands, so every upgrade nobody claims is
// put back through the server's own HTTP/1.1 parser as a plain request (body, keep-alive,
// timeouts and all).
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';

/** Takes over a socket for a protocol switch it recognises; returns false to decline. */
export type UpgradeRoute = (request: IncomingMessage, socket: Duplex, head: Buffer) => boolean;

const routesByServer = new WeakMap<Server, UpgradeRoute[]>();

/** Hop-by-hop parts of the upgrade offer that a plain HTTP/1.1 exchange must not see. */
const UPGRADE_ONLY_HEADERS = new Set(['upgrade', 'http2-settings']);

/** The request head as the client sent it, minus the upgrade offer. */
export function plainRequestHead(request: IncomingMessage): Buffer {
  const lines = [`${request.method ?? 'GET'} ${request.url ?? '/'} HTTP/${request.httpVersion}`];
  const raw = request.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i] ?? '';
    const value = raw[i + 1] ?? '';
    const lower = name.toLowerCase();
    if (UPGRADE_ONLY_HEADERS.has(lower)) continue;
    if (lower === 'connection') {
      const kept = value.split(',').map((token) => token.trim()).filter((token) => token !== '' && !UPGRADE_ONLY_HEADERS.has(token.toLowerCase()));
      if (kept.length > 0) lines.push(`${name}: ${kept.join(', ')}`);
      continue;
    }
    lines.push(`${name}: ${value}`);
  }
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
}

/** Hands the socket back to the server's HTTP parser with the request re-read minus its upgrade offer. */
export function answerAsPlainHttp(server: Server, request: IncomingMessage, socket: Duplex, head: Buffer): void {
  socket.unshift(Buffer.concat([plainRequestHead(request), head]));
  server.emit('connection', socket);
}

function dispatch(server: Server): (request: IncomingMessage, socket: Duplex, head: Buffer) => void {
  return (request, socket, head) => {
    for (const route of routesByServer.get(server) ?? []) if (route(request, socket, head)) return;
    answerAsPlainHttp(server, request, socket, head);
  };
}

/**
 * Registers a protocol switch (e.g. the GraphQL WebSocket). One 'upgrade' listener per server
 * dispatches to the routes and answers every declined upgrade as plain HTTP, so no route can
 * leave a socket unanswered. Returns the function that removes the route.
 */
export function addUpgradeRoute(server: Server, route: UpgradeRoute): () => void {
  let routes = routesByServer.get(server);
  if (!routes) {
    routes = [];
    routesByServer.set(server, routes);
    server.on('upgrade', dispatch(server));
  }
  routes.push(route);
  return () => {
    const list = routesByServer.get(server) ?? [];
    const at = list.indexOf(route);
    if (at >= 0) list.splice(at, 1);
  };
}
