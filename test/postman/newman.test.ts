// Issue 15: the Postman collection under postman/ runs with newman (Postman's own runner, from
// npm) against a fresh local server, and every assertion in it passes.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import newman, { type NewmanRunSummary } from 'newman';
import { attachGraphqlWebSocket, type GraphqlWebSocket } from '../../resolvers/subscriptions/websocket';
import { startTestServer, type TestServer } from '../http/local-server';

const POSTMAN = join(__dirname, '..', '..', 'postman');

interface CollectionItem {
  readonly name: string;
  readonly item?: readonly CollectionItem[];
  readonly request?: unknown;
  readonly event?: readonly { readonly listen: string; readonly script: { readonly exec: readonly string[] } }[];
}

const collection = JSON.parse(readFileSync(join(POSTMAN, 'fhir-gateway.postman_collection.json'), 'utf8')) as { info: { schema: string }; item: readonly CollectionItem[] };

function requestsOf(items: readonly CollectionItem[]): CollectionItem[] {
  return items.flatMap((item) => (item.item !== undefined ? requestsOf(item.item) : [item]));
}

let server: TestServer;
let sockets: GraphqlWebSocket;
beforeAll(async () => {
  server = await startTestServer({ FHIR_AUTH_MODE: 'cognito' });
  sockets = attachGraphqlWebSocket(server.running.server, () => server.running.app);
});
afterAll(async () => {
  await sockets.close();
  await server.stop();
});

test('the collection is Postman v2.1 and every request has a test script with assertions', () => {
  const requests = requestsOf(collection.item);

  expect(collection.info.schema).toBe('https://schema.getpostman.com/json/collection/v2.1.0/collection.json');
  expect(requests.length).toBeGreaterThanOrEqual(30);
  for (const request of requests) {
    const script = request.event?.find((event) => event.listen === 'test')?.script.exec.join('\n') ?? '';
    expect({ request: request.name, asserts: /pm\.test\(/.test(script) }).toEqual({ request: request.name, asserts: true });
  }
});

test('newman runs the whole collection against the local server with every assertion passing', async () => {
  const token = server.running.app.devIssuer?.mint({ groups: ['practitioner'] }) ?? '';
  const origin = new URL(server.base).origin;

  const summary = await new Promise<NewmanRunSummary>((resolve, reject) => {
    newman.run(
      {
        collection: join(POSTMAN, 'fhir-gateway.postman_collection.json'),
        environment: join(POSTMAN, 'local.postman_environment.json'),
        envVar: [
          { key: 'baseUrl', value: server.base },
          { key: 'graphqlUrl', value: `${origin}/graphql` },
          { key: 'token', value: token },
        ],
        reporters: [],
        timeoutRequest: 20_000,
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
  });

  const failures = summary.run.failures.map((failure) => `${failure.source?.name ?? '?'}: ${failure.error.message}`);
  expect(failures).toEqual([]);
  expect(summary.run.stats.requests.total).toBe(requestsOf(collection.item).length);
  expect(summary.run.stats.assertions.total).toBeGreaterThanOrEqual(80);
  expect(summary.run.stats.assertions.failed).toBe(0);
}, 120_000);
