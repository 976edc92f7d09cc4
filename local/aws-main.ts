// `npm run start:aws` (issue 9, "Both homes over HTTP"): the AWS home on 127.0.0.1, its Lambda
// entry files (infra/lambda-entries.ts: what the bundles are built from) driven the way API
// Gateway, AppSync and the DynamoDB event source mapping drive them:
//   /fhir/...  -> API Gateway proxy events -> rest/lambda-main.ts;
//   /graphql   -> AppSync resolver events  -> resolvers/appsync/lambda-main.ts;
//   moto's DynamoDB stream -> wiring/aws-stream-main.ts (the stream processor).
// The engines are services/start.sh's (moto, OpenSearch); services/start-aws-home.sh points the
// AWS settings at them. Tokens come from the local dev issuer, as with `npm start`.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AppSyncIdentityCognito } from 'aws-lambda';
import type { AppSyncEvent } from '../resolvers/appsync/handler';
import { buildLocalSchema, schemaSdl } from '../resolvers/schema/load';
import { createAwsHome } from '../wiring/aws-home';
import { ConfigError, parseAwsHomeConfig } from '../wiring/config';
import { API_STAGE, apiGatewayEvent, writeProxyResult } from './aws/api-gateway';
import { appSyncRequest, type AppSyncHttpOptions } from './aws/appsync';
import { startStreamPoller } from './aws/dynamodb-stream-poller';
import { BodyAbortedError, BodyTooLargeError, listen, readBody } from './http-server';

/** API Gateway's REST API payload limit (10 MB); the Lambda's own 6 MB limit applies after it. */
const API_GATEWAY_MAX_BYTES = 10 * 1024 * 1024;

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(text)) });
  res.end(text);
}

function claimsOf(token: string): Record<string, unknown> {
  const payload = token.split('.')[1] ?? '';
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
}

async function main(): Promise<void> {
  const homeConfig = parseAwsHomeConfig(process.env);
  const server = createServer();
  const port = await listen(server, homeConfig.PORT, homeConfig.HOST);
  const rootUrl = `http://${homeConfig.HOST}:${port}/${API_STAGE}`;
  const home = await createAwsHome(homeConfig, process.env, rootUrl);
  // As the Lambda service does: each function's environment is in place before its entry file
  // loads (the three share it here), then the entry files the bundles are built from run as is.
  Object.assign(process.env, home.environment);
  const [restEntry, graphqlEntry, streamEntry] = await Promise.all([
    import('../rest/lambda-main'),
    import('../resolvers/appsync/lambda-main'),
    import('../wiring/aws-stream-main'),
  ]);
  // AppSync's Cognito user pool authorization: the raw token (or Bearer) in Authorization.
  const authenticate: AppSyncHttpOptions['authenticate'] = async (authorization) => {
    const token = authorization?.replace(/^Bearer\s+/i, '') ?? '';
    if (token === '') return undefined;
    try {
      await home.verifier.verify(token);
    } catch {
      return undefined;
    }
    const claims = claimsOf(token);
    const identity: AppSyncIdentityCognito = {
      sub: String(claims['sub']),
      issuer: String(claims['iss']),
      username: String(claims['cognito:username'] ?? claims['sub']),
      claims,
      sourceIp: ['127.0.0.1'],
      defaultAuthStrategy: 'ALLOW',
      groups: Array.isArray(claims['cognito:groups']) ? (claims['cognito:groups'] as string[]) : null,
    };
    return identity;
  };
  // AppSync holds the deployed SDL without resolvers: below the root it reads the Lambda's result.
  const appSync: AppSyncHttpOptions = { schema: buildLocalSchema(schemaSdl()), invoke: (event: AppSyncEvent) => graphqlEntry.handler(event), authenticate };
  const rest = restEntry.handler;
  const poller = startStreamPoller({
    endpoint: home.config.FHIR_DYNAMODB_ENDPOINT ?? '',
    region: home.config.AWS_REGION,
    streamArn: home.streamArn,
    handler: streamEntry.handler,
    onError: (error) => home.log.error('stream poll failed', { error: String(error) }),
  });

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const requestId = randomUUID();
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://local');
      let body: Buffer;
      try {
        body = await readBody(req, API_GATEWAY_MAX_BYTES);
      } catch (error) {
        if (error instanceof BodyAbortedError) return;
        if (error instanceof BodyTooLargeError) {
          res.setHeader('connection', 'close');
          return sendJson(res, 413, { message: 'Request Too Long' });
        }
        throw error;
      }
      if (url.pathname === `/${API_STAGE}` || url.pathname.startsWith(`/${API_STAGE}/`)) {
        return writeProxyResult(res, await rest(apiGatewayEvent(req, url, body, requestId)));
      }
      if (url.pathname === '/graphql' && req.method === 'POST') {
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(req.headers)) if (typeof value === 'string') headers[name] = value;
        headers['x-amzn-requestid'] = requestId;
        const answer = await appSyncRequest(appSync, body.toString('utf8'), headers);
        return sendJson(res, answer.status, answer.body);
      }
      // API Gateway's answer for a path no resource matches.
      return sendJson(res, 403, { message: 'Missing Authentication Token' });
    })().catch((error: unknown) => {
      home.log.error('start:aws transport error', { requestId, error: String(error) });
      if (!res.headersSent) sendJson(res, 502, { message: 'Internal server error' });
      else res.end();
    });
  });

  console.log([
    `FHIR R4 server (AWS home: Lambda handlers on moto + OpenSearch) listening on ${rootUrl}`,
    `  GraphQL (AppSync-shaped): http://${homeConfig.HOST}:${port}/graphql`,
    `  DynamoDB table: ${home.config.FHIR_TABLE_NAME} (stream processed by the stream processor)`,
    `  Get a token:    npm run token -- --group practitioner --data-dir ${homeConfig.FHIR_DATA_DIR}`,
  ].join('\n'));

  const stop = (signal: string): void => {
    console.log(`${signal}: shutting down`);
    server.close();
    server.closeAllConnections();
    poller.stop().then(() => process.exit(0), () => process.exit(1));
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
