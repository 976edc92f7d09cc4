// Issue 15: /healthz, /readyz and the root document, over real HTTP against the local server
// with authentication on (probes and the root need no token).
import { rmSync } from 'node:fs';
import { startTestServer, type TestServer } from '../http/local-server';

let server: TestServer;
let origin: string;
beforeAll(async () => {
  server = await startTestServer({ FHIR_AUTH_MODE: 'cognito' });
  origin = new URL(server.base).origin;
});
afterAll(() => server.stop());

test('GET /healthz is 200 pass without a token', async () => {
  const response = await fetch(`${origin}/healthz`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^application\/health\+json/);
  expect(await response.json()).toMatchObject({ status: 'pass' });
});

test('GET /readyz is 200 pass without a token and reports the storage check', async () => {
  const response = await fetch(`${origin}/readyz`);
  expect(response.status).toBe(200);
  const body = (await response.json()) as { status: string; checks: Record<string, { status: string }[]> };
  expect(body.status).toBe('pass');
  expect(body.checks['storage:responseTime']?.[0]?.status).toBe('pass');
});

test('the FHIR API still needs a token while the probes do not', async () => {
  expect((await fetch(`${server.base}/Patient`)).status).toBe(401);
});

test('GET / with Accept: application/json links the FHIR base, GraphQL, the console and the docs', async () => {
  const response = await fetch(`${origin}/`, { headers: { accept: 'application/json' } });
  expect(response.status).toBe(200);
  const body = (await response.json()) as { links: Record<string, string> };
  expect(body.links).toMatchObject({ fhir: server.base, metadata: `${server.base}/metadata`, graphql: `${origin}/graphql`, console: `${origin}/` });
  expect(body.links['docs']).toMatch(/^https:\/\/hl7\.org\/fhir\/R4\//);
  const metadata = await fetch(body.links['metadata'] ?? '', { headers: { accept: 'application/fhir+json' } });
  expect(metadata.status).toBe(200);
});

test('GET / from a browser is an HTML page linking the FHIR base and GraphQL', async () => {
  const response = await fetch(`${origin}/`, { headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/html/);
  const html = await response.text();
  expect(html).toContain(`href="${server.base}"`);
  expect(html).toContain(`href="${origin}/graphql"`);
});

test('/readyz is 503 fail when the storage is unreachable, while /healthz stays 200', async () => {
  const other = await startTestServer({ FHIR_AUTH_MODE: 'cognito' });
  try {
    await other.running.app.deps.store.close();
    const otherOrigin = new URL(other.base).origin;
    const ready = await fetch(`${otherOrigin}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ status: 'fail' });
    expect((await fetch(`${otherOrigin}/healthz`)).status).toBe(200);
  } finally {
    other.running.server.close();
    other.running.server.closeAllConnections();
    rmSync(other.dataDir, { recursive: true, force: true });
  }
});
