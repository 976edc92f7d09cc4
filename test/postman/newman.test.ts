// Issue 15: the Postman collection under postman/ runs with newman (Postman's own runner, from
// npm) against a freshly started home, and every assertion in it passes: the local home in
// `npm test`, the AWS home (`npm run start:aws`) in `npm run test:aws` (issue 9, "Both homes").
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import newman, { type NewmanRunSummary } from 'newman';
import { homeUnderTest, startHome, type RunningHome } from '../http/homes';

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

const home = homeUnderTest();
let server: RunningHome;
beforeAll(async () => {
  server = await startHome(home, { FHIR_AUTH_MODE: 'cognito' });
}, 120_000);
afterAll(async () => {
  await server?.stop();
}, 30_000);

test('the collection is Postman v2.1 and every request has a test script with assertions', () => {
  const requests = requestsOf(collection.item);

  expect(collection.info.schema).toBe('https://schema.getpostman.com/json/collection/v2.1.0/collection.json');
  expect(requests.length).toBeGreaterThanOrEqual(30);
  for (const request of requests) {
    const script = request.event?.find((event) => event.listen === 'test')?.script.exec.join('\n') ?? '';
    expect({ request: request.name, asserts: /pm\.test\(/.test(script) }).toEqual({ request: request.name, asserts: true });
  }
});

test(`newman runs the whole collection against the ${home} home with every assertion passing`, async () => {
  const token = server.token({ groups: ['practitioner'] });

  const summary = await new Promise<NewmanRunSummary>((resolve, reject) => {
    newman.run(
      {
        collection: join(POSTMAN, 'fhir-gateway.postman_collection.json'),
        environment: join(POSTMAN, 'local.postman_environment.json'),
        envVar: [
          { key: 'baseUrl', value: server.base },
          { key: 'graphqlUrl', value: server.graphqlUrl },
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
