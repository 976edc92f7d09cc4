// Issue 15: what the local server gives a browser (the console page, the bundled GraphQL IDE,
// their assets, a strict CSP) and the dev-token endpoint behind the console's sign-in, over HTTP.
import { startTestServer, type TestServer } from '../http/local-server';

let server: TestServer;
let origin: string;
beforeAll(async () => {
  server = await startTestServer({ FHIR_AUTH_MODE: 'cognito' });
  origin = new URL(server.base).origin;
});
afterAll(() => server.stop());

const HTML = { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' };
const signIn = (body: unknown, headers: Record<string, string> = {}): Promise<Response> =>
  fetch(`${origin}/console/dev-token`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

function scriptSources(html: string): string[] {
  return [...html.matchAll(/<script\b([^>]*)>/g)].map((match) => /src="([^"]+)"/.exec(match[1] ?? '')?.[1] ?? 'INLINE');
}

test.each([['/'], ['/graphql']])('%s for a browser loads only same-origin bundled scripts under a CSP without unsafe-inline scripts', async (path) => {
  const response = await fetch(`${origin}${path}`, { headers: HTML });
  const html = await response.text();
  const csp = response.headers.get('content-security-policy') ?? '';
  const scriptSrc = csp.split(';').map((part) => part.trim()).find((part) => part.startsWith('script-src')) ?? '';

  expect(response.status).toBe(200);
  expect(scriptSrc).toBe("script-src 'self'");
  expect(csp).toContain("default-src 'none'");
  expect(scriptSources(html).every((src) => src.startsWith('/console/'))).toBe(true);
  expect(html).not.toMatch(/https?:\/\/(?!127\.0\.0\.1)[^"]*\.(js|css)"/);
});

test('the bundled GraphiQL and console assets are served from this server with an ETag', async () => {
  for (const name of ['graphiql.js', 'graphiql.css', 'console.js', 'console.css']) {
    const response = await fetch(`${origin}/console/${name}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(name.endsWith('.js') ? /^text\/javascript/ : /^text\/css/);
    const etag = response.headers.get('etag') ?? '';
    expect((await response.arrayBuffer()).byteLength).toBeGreaterThan(1000);
    expect((await fetch(`${origin}/console/${name}`, { headers: { 'if-none-match': etag } })).status).toBe(304);
  }
  expect((await fetch(`${origin}/console/nothing.js`)).status).toBe(404);
}, 60_000);

test('the dev-token endpoint mints a token for a group that the FHIR API accepts', async () => {
  const response = await signIn({ group: 'practitioner' });
  const { token } = (await response.json()) as { token: string };

  expect(response.status).toBe(200);
  expect((await fetch(`${server.base}/Patient`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
});

test('an auditor token from the dev-token endpoint is refused what auditors may not do', async () => {
  const { token } = (await (await signIn({ group: 'auditor' })).json()) as { token: string };

  expect((await fetch(`${server.base}/Observation`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(403);
});

test('an unknown group is a 400 OperationOutcome pointing at group', async () => {
  const response = await signIn({ group: 'admin' });

  expect(response.status).toBe(400);
  expect(await response.json()).toMatchObject({ resourceType: 'OperationOutcome', issue: [{ expression: ['group'] }] });
});

test('a sign-in from a page on another origin is refused (CORS allows * for the API, not for minting)', async () => {
  expect((await signIn({ group: 'practitioner' }, { origin: 'https://evil.example' })).status).toBe(403);
  expect((await signIn({ group: 'practitioner' }, { 'sec-fetch-site': 'cross-site' })).status).toBe(403);
});

test('a sign-in that is not application/json is refused (a plain form post cannot mint)', async () => {
  const response = await fetch(`${origin}/console/dev-token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'group=practitioner' });
  expect(response.status).toBe(415);
});

test('the dev-token endpoint is refused when the server is not bound to loopback', async () => {
  const wide = await startTestServer({ FHIR_AUTH_MODE: 'cognito', HOST: '0.0.0.0' });
  try {
    const response = await fetch(`${new URL(wide.base).origin.replace('0.0.0.0', '127.0.0.1')}/console/dev-token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"group":"practitioner"}' });
    expect(response.status).toBe(403);
    expect(JSON.stringify(await response.json())).toContain('loopback');
  } finally {
    await wide.stop();
  }
});

test('the dev-token endpoint is refused when authentication is off (no dev issuer)', async () => {
  const open = await startTestServer({ FHIR_AUTH_MODE: 'none' });
  try {
    const response = await fetch(`${new URL(open.base).origin}/console/dev-token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"group":"practitioner"}' });
    expect(response.status).toBe(403);
  } finally {
    await open.stop();
  }
});
