import type { Server } from 'node:http';
import { buildSmartConfiguration } from '../core/authz/smart-configuration';
import { errorResponse } from '../core/http/handle-request';
import { graphqlRoute } from '../resolvers/http/local-routes';
import type { LocalConfig } from '../wiring/config';
import { createLocalApp, type LocalApp, type LocalAppOptions } from '../wiring/local';
import { createHttpServer, FHIR_MOUNT, listen, type ExtraRoute } from './http-server';
import { consolePage, consoleRoutes } from './console-routes';
import { siteRoutes } from './site-routes';

export interface RunningServer {
  readonly app: LocalApp;
  readonly server: Server;
  readonly port: number;
  /** The FHIR root URL, e.g. http://127.0.0.1:8080/fhir. */
  readonly rootUrl: string;
  close(): Promise<void>;
}

const json = (status: number, body: unknown, contentType = 'application/json'): { status: number; headers: Record<string, string>; body: string } => ({
  status,
  headers: { 'content-type': `${contentType}; charset=utf-8` },
  body: JSON.stringify(body),
});

/** Discovery documents: the dev issuer's JWKS and SMART configuration. */
function discoveryRoutes(getApp: () => LocalApp): ExtraRoute[] {
  return [
    (req, url) => {
      if (req.method !== 'GET' || url.pathname !== '/.well-known/jwks.json') return Promise.resolve(undefined);
      const issuer = getApp().devIssuer;
      return Promise.resolve(issuer ? json(200, issuer.jwks) : json(404, { error: 'auth is off; no keys are served' }));
    },
    (req, url) => {
      if (req.method !== 'GET' || !/^\/fhir(\/tenant\/[^/]+)?\/\.well-known\/smart-configuration$/.test(url.pathname)) return Promise.resolve(undefined);
      const app = getApp();
      try {
        return Promise.resolve(json(200, buildSmartConfiguration(app.accessConfig.smart)));
      } catch (error) {
        return Promise.resolve(errorResponse(app.deps, error, { method: 'GET', path: url.pathname, correlationId: 'smart-configuration', pretty: false }));
      }
    },
  ];
}

/** Starts the local server on the configured port (0 picks a free one, as tests do). */
export async function startLocalServer(config: LocalConfig, options: Omit<LocalAppOptions, 'boundPort'> = {}, extra: (getApp: () => LocalApp) => ExtraRoute[] = () => []): Promise<RunningServer> {
  let app: LocalApp | undefined;
  const getApp = (): LocalApp => {
    if (!app) throw new Error('the server is not ready');
    return app;
  };
  const server = createHttpServer(getApp, [...siteRoutes(() => app, (links) => consolePage(getApp(), links)), ...consoleRoutes(getApp), ...discoveryRoutes(getApp), graphqlRoute(getApp), ...extra(getApp)], {
    headersTimeoutMs: config.FHIR_HEADERS_TIMEOUT_MS,
    requestTimeoutMs: config.FHIR_REQUEST_TIMEOUT_MS,
    keepAliveTimeoutMs: config.FHIR_KEEP_ALIVE_TIMEOUT_MS,
    maxConnections: config.FHIR_MAX_CONNECTIONS,
    maxHeaderBytes: config.FHIR_MAX_HEADER_BYTES,
    maxUrlLength: config.FHIR_MAX_URL_LENGTH,
    reads: { maxActive: config.FHIR_MAX_CONCURRENT_READS, maxQueued: config.FHIR_MAX_QUEUED_READS, queueTimeoutMs: config.FHIR_QUEUE_TIMEOUT_MS },
    writes: { maxActive: config.FHIR_MAX_CONCURRENT_WRITES, maxQueued: config.FHIR_MAX_QUEUED_WRITES, queueTimeoutMs: config.FHIR_QUEUE_TIMEOUT_MS },
  });
  const port = await listen(server, config.PORT, config.HOST);
  try {
    app = createLocalApp(config, { ...options, boundPort: port });
  } catch (error) {
    server.close();
    throw error;
  }
  const running = app;
  return {
    app: running,
    server,
    port,
    rootUrl: running.rootUrl,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await running.close();
    },
  };
}

export { FHIR_MOUNT };
