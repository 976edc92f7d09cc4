import { startTestServer, type TestServer } from './local-server';

let server: TestServer;
let root: string;
beforeAll(async () => {
  server = await startTestServer({ FHIR_MULTI_TENANCY: 'true', FHIR_AUTH_MODE: 'cognito' });
  root = server.base;
});
afterAll(async () => {
  await server.stop();
});

const token = (tenant: string | undefined): string =>
  `Bearer ${server.running.app.devIssuer?.mint({ groups: ['practitioner'], ...(tenant !== undefined ? { tenant } : {}) }) ?? ''}`;

async function put(tenant: string, id: string, auth = token(tenant)): Promise<number> {
  const res = await server.request(`${root}/tenant/${tenant}/Patient/${id}`, { method: 'PUT', body: { resourceType: 'Patient', id, name: [{ family: tenant }] }, headers: { authorization: auth } });
  return res.status;
}

describe('multi-tenancy', () => {
  it('keeps the same id apart in two tenants', async () => {
    expect(await put('t1', 'shared')).toBe(201);
    expect(await put('t2', 'shared')).toBe(201);
    const t1 = await server.request(`${root}/tenant/t1/Patient/shared`, { headers: { authorization: token('t1') } });
    expect(t1.json['name']).toEqual([{ family: 't1' }]);
    expect(t1.headers.get('etag')).toBe('W/"1"');
  });

  it('never shows one tenant read, vread or history to another', async () => {
    expect(await put('t1', 'only-t1')).toBe(201);
    expect((await server.request(`${root}/tenant/t2/Patient/only-t1`, { headers: { authorization: token('t2') } })).status).toBe(404);
    expect((await server.request(`${root}/tenant/t2/Patient/only-t1/_history/1`, { headers: { authorization: token('t2') } })).status).toBe(404);
    const history = await server.request(`${root}/tenant/t2/_history?_count=1000`, { headers: { authorization: token('t2') } });
    expect(JSON.stringify(history.json)).not.toContain('only-t1');
    const typeHistory = await server.request(`${root}/tenant/t2/Patient/_history`, { headers: { authorization: token('t2') } });
    expect(JSON.stringify(typeHistory.json)).not.toContain('only-t1');
  });

  it("refuses a token of another tenant with 403", async () => {
    expect(await put('t1', 'x1', token('t2'))).toBe(403);
  });

  it('refuses a token without a tenant with 403', async () => {
    expect(await put('t1', 'x2', token(undefined))).toBe(403);
  });

  it('answers a malformed tenant id with 400', async () => {
    const res = await server.request(`${root}/tenant/${'x'.repeat(65)}/Patient/1`, { headers: { authorization: token('t1') } });
    expect(res.status).toBe(400);
  });

  it('answers a request without a token with 401 and WWW-Authenticate', async () => {
    const res = await server.request(`${root}/tenant/t1/Patient/shared`);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain('Bearer');
  });

  it('serves the CapabilityStatement without a token', async () => {
    const res = await server.request(`${root}/tenant/t1/metadata`);
    expect(res.status).toBe(200);
  });
});
