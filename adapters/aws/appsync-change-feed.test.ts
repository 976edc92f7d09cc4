import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ResourceChange } from '../../core/ports/change-feed';
import { AppSyncChangeFeed } from './appsync-change-feed';

interface Received {
  readonly headers: IncomingHttpHeaders;
  readonly body: { query: string; variables: Record<string, unknown> };
}

let server: Server;
let url: string;
let received: Received[];
let answer: (body: Received['body']) => { status: number; json: unknown };

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Received['body'];
      received.push({ headers: req.headers, body });
      const { status, json } = answer(body);
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(json));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
});
beforeEach(() => {
  received = [];
  answer = (body) => ({ status: 200, json: { data: { publishResourceChange: body.variables } } });
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

const feed = (): AppSyncChangeFeed =>
  new AppSyncChangeFeed({ url, region: 'eu-west-1', credentials: async () => ({ accessKeyId: 'AKID', secretAccessKey: 'secret', sessionToken: 'session' }) });

const change = (versionId: string, action: ResourceChange['action']): ResourceChange => ({
  tenant: 't1', action, resourceType: 'Patient', id: 'p1', versionId, lastUpdated: '2024-01-01T00:00:00.000Z',
  resource: action === 'delete' ? undefined : { resourceType: 'Patient', id: 'p1', meta: { versionId } },
});

test('each change is one IAM-signed publishResourceChange call, in order, the resource as AWSJSON text with its audience labels', async () => {
  await feed().publish([change('1', 'create'), change('2', 'delete')]);

  expect(received.map((r) => r.body.variables)).toEqual([
    { tenant: 't1', action: 'create', resourceType: 'Patient', id: 'p1', versionId: '1', lastUpdated: '2024-01-01T00:00:00.000Z', resource: '{"resourceType":"Patient","id":"p1","meta":{"versionId":"1"}}', audience: ['type:Patient', 'patient:p1', 'type:Patient|patient:p1'] },
    { tenant: 't1', action: 'delete', resourceType: 'Patient', id: 'p1', versionId: '2', lastUpdated: '2024-01-01T00:00:00.000Z', resource: null, audience: ['type:Patient'] },
  ]);
  expect(received[0]?.body.query).toContain('publishResourceChange(');
  expect(received[0]?.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKID\/\d{8}\/eu-west-1\/appsync\/aws4_request, SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date;x-amz-security-token, Signature=[0-9a-f]{64}$/);
  expect(received[0]?.headers['x-amz-security-token']).toBe('session');
});

test('a GraphQL error from AppSync fails the publication, so the stream record is retried', async () => {
  answer = () => ({ status: 200, json: { data: null, errors: [{ message: 'Not Authorized to access publishResourceChange on type Mutation' }] } });

  await expect(feed().publish([change('1', 'create')])).rejects.toThrow(/Not Authorized/);
});

test('AppSync throttling becomes TOO_MANY_REQUESTS', async () => {
  answer = () => ({ status: 429, json: { errors: [{ message: 'Rate exceeded' }] } });

  await expect(feed().publish([change('1', 'create')])).rejects.toMatchObject({ code: 'TOO_MANY_REQUESTS' });
});
