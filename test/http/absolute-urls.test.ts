// One URL parser for HTTP requests and Bundle entries (issue 9, defects 4, 5 and 8): the
// server's own base (tenant base included) is accepted wherever a client may send a URL,
// trailing slashes mean what they mean over HTTP, and a placeholder reference in a transaction
// must resolve inside the Bundle.
import { randomUUID } from 'node:crypto';
import { issueOf, startTestServer, type FhirResponseView, type TestServer } from './local-server';

let server: TestServer;
let tenants: TestServer;
beforeAll(async () => {
  server = await startTestServer();
  tenants = await startTestServer({ FHIR_MULTI_TENANCY: 'true', FHIR_AUTH_MODE: 'cognito' });
});
afterAll(async () => {
  await server.stop();
  await tenants.stop();
});

interface Entry { response?: { status: string; location?: string; outcome?: unknown }; resource?: Record<string, unknown> }
const entriesOf = (res: FhirResponseView): Entry[] => res.json['entry'] as Entry[];
const bundle = (type: 'batch' | 'transaction', entry: unknown[]): Record<string, unknown> => ({ resourceType: 'Bundle', type, entry });
const patient = (system: string, value: string): Record<string, unknown> => ({ resourceType: 'Patient', identifier: [{ system, value }] });
const system = (): string => `urn:test:${randomUUID()}`;

describe('conditional create with the server base in If-None-Exist (defect 4)', () => {
  it('accepts [base]/Patient?identifier=... as the HAPI client sends it, and matches', async () => {
    const sys = system();
    const first = await server.request('/Patient', { method: 'POST', body: patient(sys, '1'), headers: { 'if-none-exist': `${server.base}/Patient?identifier=${sys}|1` } });
    expect(first.status).toBe(201);
    const second = await server.request('/Patient', { method: 'POST', body: patient(sys, '1'), headers: { 'if-none-exist': `${server.base}/Patient?identifier=${sys}|1` } });
    expect(second.status).toBe(200);
    expect(second.json['id']).toBe(first.json['id']);
  });

  it('still accepts the relative forms (Patient?..., ?..., bare query)', async () => {
    const sys = system();
    const created = await server.request('/Patient', { method: 'POST', body: patient(sys, '1') });
    for (const form of [`Patient?identifier=${sys}|1`, `?identifier=${sys}|1`, `identifier=${sys}|1`]) {
      const res = await server.request('/Patient', { method: 'POST', body: patient(sys, '1'), headers: { 'if-none-exist': form } });
      expect([form, res.status, res.json['id']]).toEqual([form, 200, created.json['id']]);
    }
  });

  it('refuses another server base or another type with 400 naming If-None-Exist', async () => {
    for (const criteria of ['http://elsewhere.example/fhir/Patient?identifier=x|1', `${server.base}/Observation?identifier=x|1`]) {
      const res = await server.request('/Patient', { method: 'POST', body: patient('x', '1'), headers: { 'if-none-exist': criteria } });
      expect(res.status).toBe(400);
      expect(issueOf(res.json).expression).toEqual(['If-None-Exist']);
    }
  });

  it('accepts the tenant base, and refuses another tenant base', async () => {
    const token = `Bearer ${tenants.running.app.devIssuer?.mint({ groups: ['practitioner'], tenant: 't1' }) ?? ''}`;
    const base = `${tenants.base}/tenant/t1`;
    const sys = system();
    const headers = (criteria: string): Record<string, string> => ({ authorization: token, 'if-none-exist': criteria });
    const first = await tenants.request(`${base}/Patient`, { method: 'POST', body: patient(sys, '1'), headers: headers(`${base}/Patient?identifier=${sys}|1`) });
    expect(first.status).toBe(201);
    const second = await tenants.request(`${base}/Patient`, { method: 'POST', body: patient(sys, '1'), headers: headers(`${base}/Patient?identifier=${sys}|1`) });
    expect([second.status, second.json['id']]).toEqual([200, first.json['id']]);
    const other = await tenants.request(`${base}/Patient`, { method: 'POST', body: patient(sys, '1'), headers: headers(`${tenants.base}/tenant/t2/Patient?identifier=${sys}|1`) });
    expect(other.status).toBe(400);
  });

  it('accepts the base in a transaction entry ifNoneExist and in a conditional update URL', async () => {
    const sys = system();
    const created = await server.request('/Patient', { method: 'POST', body: patient(sys, '1') });
    const res = await server.request('/', {
      method: 'POST',
      body: bundle('transaction', [
        { resource: patient(sys, '1'), request: { method: 'POST', url: 'Patient', ifNoneExist: `${server.base}/Patient?identifier=${sys}|1` } },
        { resource: { ...patient(sys, '1'), active: true }, request: { method: 'PUT', url: `${server.base}/Patient?identifier=${sys}|1` } },
      ]),
    });
    expect(res.status).toBe(200);
    expect(entriesOf(res).map((e) => e.response?.status)).toEqual(['200 OK', '200 OK']);
    expect((await server.request(`/Patient/${String(created.json['id'])}`)).json['active']).toBe(true);
  });
});

describe('Bundle entry request.url parsed like an HTTP request (defects 4 and 5)', () => {
  it('serves batch entries whose url ends with a slash or is absolute on this base', async () => {
    const created = await server.request('/Patient', { method: 'POST', body: patient(system(), '1') });
    const id = String(created.json['id']);
    const res = await server.request('/', {
      method: 'POST',
      body: bundle('batch', [
        { resource: patient(system(), '2'), request: { method: 'POST', url: 'Patient/' } },
        { request: { method: 'GET', url: `Patient/${id}/` } },
        { resource: { resourceType: 'Patient', id, active: true }, request: { method: 'PUT', url: `Patient/${id}/` } },
        { request: { method: 'GET', url: `${server.base}/Patient/${id}` } },
        { request: { method: 'GET', url: `${server.base}/Patient/?_id=${id}` } },
        { request: { method: 'GET', url: `/Patient/${id}` } },
      ]),
    });
    expect(res.status).toBe(200);
    expect(entriesOf(res).map((e) => e.response?.status)).toEqual(['201', '200', '200', '200', '200', '200']);
    // The same URLs over plain HTTP, for comparison: the two cannot drift.
    expect((await server.request(`/Patient/${id}/`)).status).toBe(200);
    expect((await server.request('/Patient/', { method: 'POST', body: patient(system(), '3') })).status).toBe(201);
  });

  it('serves transaction entries whose url ends with a slash or is absolute on this base', async () => {
    const id = `tx-${randomUUID().slice(0, 8)}`;
    const res = await server.request('/', {
      method: 'POST',
      body: bundle('transaction', [
        { resource: patient(system(), '1'), request: { method: 'POST', url: 'Patient/' } },
        { resource: { resourceType: 'Patient', id }, request: { method: 'PUT', url: `Patient/${id}/` } },
        { resource: { resourceType: 'Patient', id: `${id}b` }, request: { method: 'PUT', url: `${server.base}/Patient/${id}b` } },
      ]),
    });
    expect(res.status).toBe(200);
    expect(entriesOf(res).map((e) => e.response?.status)).toEqual(['201 Created', '201 Created', '201 Created']);
  });

  it('refuses an entry url on another server with 400 naming the entry url', async () => {
    const res = await server.request('/', { method: 'POST', body: bundle('transaction', [{ resource: patient('x', '1'), request: { method: 'POST', url: 'http://elsewhere.example/fhir/Patient' } }]) });
    expect(res.status).toBe(400);
    expect(issueOf(res.json).expression).toEqual(['Bundle.entry[0].request.url']);
  });
});

describe('references and fullUrl in a transaction (defects 4 and 8)', () => {
  it('resolves a relative reference to an entry whose fullUrl is absolute on this base, and vice versa', async () => {
    const res = await server.request('/', {
      method: 'POST',
      body: bundle('transaction', [
        { fullUrl: `${server.base}/Patient/temp-1`, resource: patient(system(), '1'), request: { method: 'POST', url: 'Patient' } },
        { fullUrl: 'Organization/temp-2', resource: { resourceType: 'Organization', name: 'Org' }, request: { method: 'POST', url: 'Organization' } },
        {
          resource: { resourceType: 'Observation', status: 'final', code: { text: 'x' }, subject: { reference: 'Patient/temp-1' }, performer: [{ reference: `${server.base}/Organization/temp-2` }] },
          request: { method: 'POST', url: 'Observation' },
        },
      ]),
    });
    expect(res.status).toBe(200);
    const [pat, org, obs] = entriesOf(res);
    expect((obs?.resource?.['subject'] as { reference: string }).reference).toBe(`Patient/${String(pat?.resource?.['id'])}`);
    expect((obs?.resource?.['performer'] as { reference: string }[])[0]?.reference).toBe(`Organization/${String(org?.resource?.['id'])}`);
  });

  it('resolves a conditional reference written with the server base', async () => {
    const sys = system();
    const created = await server.request('/Patient', { method: 'POST', body: patient(sys, '1') });
    const res = await server.request('/', {
      method: 'POST',
      body: bundle('transaction', [{ resource: { resourceType: 'Observation', status: 'final', code: { text: 'x' }, subject: { reference: `${server.base}/Patient?identifier=${sys}|1` } }, request: { method: 'POST', url: 'Observation' } }]),
    });
    expect(res.status).toBe(200);
    expect((entriesOf(res)[0]?.resource?.['subject'] as { reference: string }).reference).toBe(`Patient/${String(created.json['id'])}`);
  });

  it('fails a transaction whose reference points at an undefined urn:uuid, naming the entry and element, writing nothing', async () => {
    const sys = system();
    const missing = `urn:uuid:${randomUUID()}`;
    const res = await server.request('/', {
      method: 'POST',
      body: bundle('transaction', [
        { fullUrl: `urn:uuid:${randomUUID()}`, resource: patient(sys, '1'), request: { method: 'POST', url: 'Patient' } },
        { resource: { resourceType: 'Observation', status: 'final', code: { text: 'x' }, subject: { reference: missing } }, request: { method: 'POST', url: 'Observation' } },
      ]),
    });
    expect(res.status).toBe(400);
    expect(issueOf(res.json).expression).toEqual(['Bundle.entry[1].resource.subject.reference']);
    expect(issueOf(res.json).diagnostics).toContain(missing);
    const search = await server.request(`/Patient?identifier=${sys}|1`);
    expect(search.json['total']).toBe(0);
  });

  it('fails a transaction whose reference points at an undefined urn:oid, in a nested element', async () => {
    const res = await server.request('/', {
      method: 'POST',
      body: bundle('transaction', [{ resource: { resourceType: 'Patient', generalPractitioner: [{ reference: 'Practitioner/p' }, { reference: 'urn:oid:1.2.3.4' }] }, request: { method: 'POST', url: 'Patient' } }]),
    });
    expect(res.status).toBe(400);
    expect(issueOf(res.json).expression).toEqual(['Bundle.entry[0].resource.generalPractitioner[1].reference']);
  });
});
