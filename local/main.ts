// `npm start`: the embedded FHIR server on SQLite under FHIR_DATA_DIR (README.md lists the settings).
import { graphqlServiceOf } from '../resolvers/http/local-routes';
import { attachGraphqlWebSocket } from '../resolvers/subscriptions/websocket';
import { IgPackageError } from '../core/registry/ig-package';
import { ConfigError, parseLocalConfig } from '../wiring/config';
import { consoleAssets } from './console-routes';
import { attachFhirWebSocket } from './fhir-websocket';
import { startLocalServer } from './start';

async function main(): Promise<void> {
  const config = parseLocalConfig(process.env);
  const running = await startLocalServer(config);
  // Subscriptions over WebSocket on /graphql: AppSync's realtime protocol and graphql-ws.
  const sockets = attachGraphqlWebSocket(running.server, () => running.app);
  // The R4 websocket Subscription channel (bind/bound/ping).
  const fhirSockets = attachFhirWebSocket(running.server, () => running.app);
  // Build the GraphQL schema now rather than on the first request.
  graphqlServiceOf(running.app);
  // Bundle the console and the GraphQL IDE now (seconds; BENCHMARKS.md) rather than on the first page.
  consoleAssets().catch((error: unknown) => console.error('could not build the web console:', error));
  const lines = [
    `FHIR R4 server listening on ${running.rootUrl}${config.FHIR_MULTI_TENANCY ? '/tenant/<tenantId>' : ''}`,
    `  CapabilityStatement: ${running.rootUrl}${config.FHIR_MULTI_TENANCY ? '/tenant/<tenantId>' : ''}/metadata`,
    `  GraphQL:             ${config.FHIR_MULTI_TENANCY ? `${running.rootUrl}/tenant/<tenantId>/$graphql` : `http://${config.HOST}:${running.port}/graphql`} (open it in a browser for the IDE)`,
    `  Web console:         http://${config.HOST}:${running.port}/ (in a browser)`,
    `  Health:              http://${config.HOST}:${running.port}/healthz and /readyz`,
    `  Subscriptions:       ws://${config.HOST}:${running.port}/graphql (graphql-ws and the AppSync realtime protocol)`,
    `  FHIR websocket:      ${running.rootUrl.replace(/^http/, 'ws')}/websocket (Subscription channel: bind <id>)`,
    `  Data directory:      ${config.FHIR_DATA_DIR}`,
  ];
  if (config.FHIR_AUTH_MODE === 'none') {
    lines.push('', '  !!! AUTHENTICATION IS OFF (FHIR_AUTH_MODE=none): anyone who can reach this port can read and change everything. !!!', '');
  } else {
    lines.push(
      `  Auth mode:           ${config.FHIR_AUTH_MODE} (tokens from the local dev issuer)`,
      `  Get a token:         npm run token -- --group practitioner${config.FHIR_MULTI_TENANCY ? ' --tenant t1' : ''}`,
      `  Then:                curl -H "Authorization: Bearer <token>" ${running.rootUrl}${config.FHIR_MULTI_TENANCY ? '/tenant/t1' : ''}/Patient`,
    );
  }
  console.log(lines.join('\n'));
  const stop = (signal: string): void => {
    console.log(`${signal}: shutting down`);
    Promise.all([sockets.close(), fhirSockets.close()])
      .then(() => running.close())
      .then(() => process.exit(0), () => process.exit(1));
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError || error instanceof IgPackageError ? error.message : error);
  process.exit(1);
});
