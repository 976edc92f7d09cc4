import { issueOf, startTestServer, type TestServer } from './local-server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.stop();
});

const mrn = (value: string): Record<string, unknown> => ({ resourceType: 'Patient', identifier: [{ system: 'urn:mrn', value }], name: [{ family: 'Cond' }] });

describe('search over HTTP', () => {
  it('finds a resource right after it was written', async () => {
    await server.request('/Patient', { method: 'POST', body: { resourceType: 'Patient', name: [{ family: 'Searchable' }], gender: 'female' } });
    const res = await server.request('/Patient?family=searchable&gender=female');
    expect(res.status).toBe(200);
    expect(res.json['type']).toBe('searchset');
    expect(res.json['total']).toBe(1);
  });

  it('supports POST _search with a form body', async () => {
    await server.request('/Patient', { method: 'POST', body: { resourceType: 'Patient', name: [{ family: 'Formbody' }] } });
    const res = await server.request('/Patient/_search', { method: 'POST', rawBody: 'family=formbody', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(res.status).toBe(200);
    expect(res.json['total']).toBe(1);
  });

  it('answers an unknown parameter with 400 under Prefer: handling=strict', async () => {
    const res = await server.request('/Patient?nonsense=1', { headers: { prefer: 'handling=strict' } });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.json)).toContain('nonsense');
  });
});

describe('conditional interactions', () => {
  it('conditional create makes nothing new when one matches', async () => {
    const first = await server.request('/Patient', { method: 'POST', body: mrn('c-1'), headers: { 'if-none-exist': 'identifier=urn:mrn|c-1' } });
    expect(first.status).toBe(201);
    const second = await server.request('/Patient', { method: 'POST', body: mrn('c-1'), headers: { 'if-none-exist': 'identifier=urn:mrn|c-1' } });
    expect(second.status).toBe(200);
    expect(second.json['id']).toBe(first.json['id']);
  });

  it('conditional create with several matches is 412', async () => {
    await server.request('/Patient', { method: 'POST', body: mrn('dup') });
    await server.request('/Patient', { method: 'POST', body: mrn('dup') });
    const res = await server.request('/Patient', { method: 'POST', body: mrn('dup'), headers: { 'if-none-exist': 'identifier=urn:mrn|dup' } });
    expect(res.status).toBe(412);
    expect(issueOf(res.json).code).toBe('multiple-matches');
  });

  it('conditional update updates the single match, and creates when none matches', async () => {
    const created = await server.request('/Patient?identifier=urn:mrn|u-1', { method: 'PUT', body: mrn('u-1') });
    expect(created.status).toBe(201);
    const updated = await server.request('/Patient?identifier=urn:mrn|u-1', { method: 'PUT', body: { ...mrn('u-1'), gender: 'male' } });
    expect(updated.status).toBe(200);
    expect(updated.json['id']).toBe(created.json['id']);
    expect(updated.json['meta']).toMatchObject({ versionId: '2' });
  });

  it('conditional delete removes the single match', async () => {
    const created = await server.request('/Patient', { method: 'POST', body: mrn('d-1') });
    const res = await server.request('/Patient?identifier=urn:mrn|d-1', { method: 'DELETE' });
    expect(res.status).toBe(200);
    expect((await server.request(`/Patient/${String(created.json['id'])}`)).status).toBe(410);
  });

  it('a transaction resolves conditional references and If-None-Exist entries', async () => {
    const patient = await server.request('/Patient', { method: 'POST', body: mrn('tx-ref') });
    const res = await server.request('/', {
      method: 'POST',
      body: {
        resourceType: 'Bundle',
        type: 'transaction',
        entry: [
          { resource: { resourceType: 'Observation', status: 'final', code: { text: 'hr' }, subject: { reference: 'Patient?identifier=urn:mrn|tx-ref' } }, request: { method: 'POST', url: 'Observation' } },
          { resource: mrn('tx-ref'), request: { method: 'POST', url: 'Patient', ifNoneExist: 'identifier=urn:mrn|tx-ref' } },
        ],
      },
    });
    expect(res.status).toBe(200);
    const [obs, pat] = res.json['entry'] as { resource?: { subject?: unknown }; response: { status: string } }[];
    expect(obs?.resource?.subject).toEqual({ reference: `Patient/${String(patient.json['id'])}` });
    expect(pat?.response.status).toBe('200 OK');
  });
});
