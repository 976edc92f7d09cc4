import { issueOf, startTestServer, type TestServer } from './local-server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.stop();
});

interface ResponseEntry { resource?: Record<string, unknown>; response: { status: string; location?: string; etag?: string; lastModified?: string; outcome?: Record<string, unknown> } }

const entriesOf = (json: Record<string, unknown>): ResponseEntry[] => json['entry'] as ResponseEntry[];

describe('transaction', () => {
  it('rewrites urn:uuid references to the assigned ids and answers each entry with location, etag and lastModified', async () => {
    const res = await server.request('/', {
      method: 'POST',
      body: {
        resourceType: 'Bundle',
        type: 'transaction',
        entry: [
          { fullUrl: 'urn:uuid:0c3151bd-1cbf-4d64-b04d-cd9187a4c6e0', resource: { resourceType: 'Observation', status: 'final', code: { text: 'weight' }, subject: { reference: 'urn:uuid:8d6e5b0e-59d7-4e43-a19a-dcc13d5e3c8c' } }, request: { method: 'POST', url: 'Observation' } },
          { fullUrl: 'urn:uuid:8d6e5b0e-59d7-4e43-a19a-dcc13d5e3c8c', resource: { resourceType: 'Patient', name: [{ family: 'Bundle' }] }, request: { method: 'POST', url: 'Patient' } },
        ],
      },
    });
    expect(res.status).toBe(200);
    expect(res.json['type']).toBe('transaction-response');
    const [obs, pat] = entriesOf(res.json);
    expect(obs?.response.status).toBe('201 Created');
    expect(obs?.response.etag).toBe('W/"1"');
    expect(obs?.response.lastModified).toBeDefined();
    const patientId = String(pat?.resource?.['id']);
    expect(pat?.response.location).toBe(`${server.base}/Patient/${patientId}/_history/1`);
    const stored = await server.request(String(obs?.response.location).replace(/\/_history\/1$/, ''));
    expect(stored.json['subject']).toEqual({ reference: `Patient/${patientId}` });
  });

  it('writes nothing when an entry in the middle fails, and names the entry', async () => {
    const before = await server.request('/_history');
    const res = await server.request('/', {
      method: 'POST',
      body: {
        resourceType: 'Bundle',
        type: 'transaction',
        entry: [
          { resource: { resourceType: 'Patient', id: 'tx-a' }, request: { method: 'PUT', url: 'Patient/tx-a' } },
          { resource: { resourceType: 'Patient', birthDate: 'garbage' }, request: { method: 'POST', url: 'Patient' } },
          { resource: { resourceType: 'Patient', id: 'tx-c' }, request: { method: 'PUT', url: 'Patient/tx-c' } },
        ],
      },
    });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.json)).toContain('Bundle.entry[1]');
    expect((await server.request('/Patient/tx-a')).status).toBe(404);
    expect((await server.request('/Patient/tx-c')).status).toBe(404);
    const after = await server.request('/_history');
    expect((after.json['entry'] as unknown[] | undefined)?.length).toBe((before.json['entry'] as unknown[] | undefined)?.length);
  });

  it('fails whole on a stale per-entry If-Match', async () => {
    await server.request('/Patient/tx-m', { method: 'PUT', body: { resourceType: 'Patient', id: 'tx-m' } });
    const res = await server.request('/', {
      method: 'POST',
      body: {
        resourceType: 'Bundle',
        type: 'transaction',
        entry: [
          { resource: { resourceType: 'Patient', id: 'tx-new' }, request: { method: 'PUT', url: 'Patient/tx-new' } },
          { resource: { resourceType: 'Patient', id: 'tx-m', active: true }, request: { method: 'PUT', url: 'Patient/tx-m', ifMatch: 'W/"5"' } },
        ],
      },
    });
    expect(res.status).toBe(412);
    expect((await server.request('/Patient/tx-new')).status).toBe(404);
  });

  it('processes DELETE before POST before PUT before GET', async () => {
    await server.request('/Patient/tx-d', { method: 'PUT', body: { resourceType: 'Patient', id: 'tx-d' } });
    const res = await server.request('/', {
      method: 'POST',
      body: {
        resourceType: 'Bundle',
        type: 'transaction',
        entry: [
          { request: { method: 'GET', url: 'Patient/tx-p' } },
          { resource: { resourceType: 'Patient', id: 'tx-p', gender: 'male' }, request: { method: 'PUT', url: 'Patient/tx-p' } },
          { request: { method: 'DELETE', url: 'Patient/tx-d' } },
        ],
      },
    });
    expect(res.status).toBe(200);
    const [get, put, del] = entriesOf(res.json);
    expect(get?.response.status).toBe('200');
    expect(get?.resource?.['gender']).toBe('male');
    expect(put?.response.status).toBe('201 Created');
    expect(del?.response.status).toBe('204 No Content');
    expect((await server.request('/Patient/tx-d')).status).toBe(410);
  });

  it('rejects changing one resource twice', async () => {
    const res = await server.request('/', {
      method: 'POST',
      body: {
        resourceType: 'Bundle',
        type: 'transaction',
        entry: [
          { resource: { resourceType: 'Patient', id: 'tx-twice' }, request: { method: 'PUT', url: 'Patient/tx-twice' } },
          { resource: { resourceType: 'Patient', id: 'tx-twice' }, request: { method: 'PUT', url: 'Patient/tx-twice' } },
        ],
      },
    });
    expect(res.status).toBe(400);
    expect(issueOf(res.json).expression).toEqual(['Bundle.entry[1]']);
  });

  it('commits 10,000 entries in one transaction', async () => {
    const entry = Array.from({ length: 10_000 }, (_, i) => ({
      fullUrl: `urn:uuid:00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      resource: { resourceType: 'Basic', code: { text: `item ${i}` } },
      request: { method: 'POST', url: 'Basic' },
    }));
    const res = await server.request('/', { method: 'POST', body: { resourceType: 'Bundle', type: 'transaction', entry } });
    expect(res.status).toBe(200);
    expect(entriesOf(res.json)).toHaveLength(10_000);
    expect(entriesOf(res.json).every((e) => e.response.status === '201 Created')).toBe(true);
  }, 120_000);
});

describe('batch', () => {
  it('processes entries independently, each with its own status and outcome', async () => {
    const res = await server.request('/', {
      method: 'POST',
      body: {
        resourceType: 'Bundle',
        type: 'batch',
        entry: [
          { resource: { resourceType: 'Patient', name: [{ family: 'Ok' }] }, request: { method: 'POST', url: 'Patient' } },
          { resource: { resourceType: 'Patient', birthDate: 'bad' }, request: { method: 'POST', url: 'Patient' } },
          { request: { method: 'GET', url: 'Patient/does-not-exist' } },
        ],
      },
    });
    expect(res.status).toBe(200);
    expect(res.json['type']).toBe('batch-response');
    const [ok, bad, missing] = entriesOf(res.json);
    expect(ok?.response.status).toBe('201');
    expect(ok?.response.location).toMatch(/\/Patient\/.+\/_history\/1$/);
    expect(bad?.response.status).toBe('400');
    expect(JSON.stringify(bad?.response.outcome)).toContain('Patient.birthDate');
    expect(missing?.response.status).toBe('404');
  });

  it('rejects a Bundle of another type', async () => {
    const res = await server.request('/', { method: 'POST', body: { resourceType: 'Bundle', type: 'collection' } });
    expect(res.status).toBe(400);
    expect(issueOf(res.json).expression).toEqual(['Bundle.type']);
  });
});
