import { issueOf, startTestServer, type TestServer } from './local-server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.stop();
});

const patient = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({ resourceType: 'Patient', name: [{ family: 'Chalmers', given: ['Peter'] }], birthDate: '1974-12-25', ...extra });

describe('create', () => {
  it('assigns the id and returns 201 with Location, ETag and Last-Modified', async () => {
    const res = await server.request('/Patient', { method: 'POST', body: patient({ id: 'client-id' }) });
    expect(res.status).toBe(201);
    const id = res.json['id'] as string;
    expect(id).toMatch(/^[A-Za-z0-9\-.]{1,64}$/);
    expect(id).not.toBe('client-id');
    expect(res.headers.get('location')).toBe(`${server.base}/Patient/${id}/_history/1`);
    expect(res.headers.get('etag')).toBe('W/"1"');
    expect(res.headers.get('last-modified')).toBe(new Date((res.json['meta'] as { lastUpdated: string }).lastUpdated).toUTCString());
    expect(res.json['meta']).toMatchObject({ versionId: '1' });
  });

  it('rejects a body whose resourceType differs from the URL with 400', async () => {
    const res = await server.request('/Patient', { method: 'POST', body: { resourceType: 'Observation', status: 'final', code: { text: 'x' } } });
    expect(res.status).toBe(400);
    expect(issueOf(res.json).expression).toEqual(['resourceType']);
  });

  it('answers Prefer: return=minimal with no body', async () => {
    const res = await server.request('/Patient', { method: 'POST', body: patient(), headers: { prefer: 'return=minimal' } });
    expect(res.status).toBe(201);
    expect(res.text).toBe('');
    expect(res.headers.get('location')).toContain('/Patient/');
  });

  it('answers Prefer: return=OperationOutcome with an OperationOutcome', async () => {
    const res = await server.request('/Patient', { method: 'POST', body: patient(), headers: { prefer: 'return=OperationOutcome' } });
    expect(res.status).toBe(201);
    expect(res.json.resourceType).toBe('OperationOutcome');
  });
});

describe('read and vread', () => {
  it('reads what was created', async () => {
    const created = await server.request('/Patient', { method: 'POST', body: patient() });
    const res = await server.request(`/Patient/${String(created.json['id'])}`);
    expect(res.status).toBe(200);
    expect(res.json).toEqual(created.json);
    expect(res.headers.get('content-type')).toBe('application/fhir+json; charset=utf-8');
  });

  it('gives 404 with an OperationOutcome for an unknown id', async () => {
    const res = await server.request('/Patient/does-not-exist');
    expect(res.status).toBe(404);
    expect(res.json.resourceType).toBe('OperationOutcome');
    expect(issueOf(res.json).code).toBe('not-found');
  });

  it('gives 404 for an unknown resource type', async () => {
    const res = await server.request('/Patient2/1');
    expect(res.status).toBe(404);
  });

  it('gives 400 for an id over 64 characters', async () => {
    const res = await server.request(`/Patient/${'a'.repeat(65)}`);
    expect(res.status).toBe(400);
    expect(issueOf(res.json).code).toBe('value');
  });

  it('answers If-None-Match with the current version with 304', async () => {
    const created = await server.request('/Patient', { method: 'POST', body: patient() });
    const res = await server.request(`/Patient/${String(created.json['id'])}`, { headers: { 'if-none-match': 'W/"1"' } });
    expect(res.status).toBe(304);
    expect(res.text).toBe('');
  });

  it('answers If-Modified-Since after the last update with 304', async () => {
    const created = await server.request('/Patient', { method: 'POST', body: patient() });
    const later = new Date(Date.now() + 60_000).toUTCString();
    const res = await server.request(`/Patient/${String(created.json['id'])}`, { headers: { 'if-modified-since': later } });
    expect(res.status).toBe(304);
  });

  it('reads an old version with vread', async () => {
    const created = await server.request('/Patient', { method: 'POST', body: patient() });
    const id = String(created.json['id']);
    await server.request(`/Patient/${id}`, { method: 'PUT', body: patient({ id, gender: 'male' }) });
    const v1 = await server.request(`/Patient/${id}/_history/1`);
    expect(v1.status).toBe(200);
    expect(v1.json['gender']).toBeUndefined();
    const v9 = await server.request(`/Patient/${id}/_history/9`);
    expect(v9.status).toBe(404);
  });

  it('returns only summary elements for _summary=true, marked SUBSETTED', async () => {
    const created = await server.request('/Patient', { method: 'POST', body: patient({ text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml">x</div>' }, maritalStatus: { text: 'M' } }) });
    const res = await server.request(`/Patient/${String(created.json['id'])}?_summary=true`);
    expect(res.json['name']).toBeDefined();
    expect(res.json['text']).toBeUndefined();
    expect(res.json['maritalStatus']).toBeUndefined();
    expect(JSON.stringify(res.json['meta'])).toContain('SUBSETTED');
  });

  it('returns the listed elements for _elements', async () => {
    const created = await server.request('/Patient', { method: 'POST', body: patient() });
    const res = await server.request(`/Patient/${String(created.json['id'])}?_elements=birthDate`);
    expect(res.json['birthDate']).toBe('1974-12-25');
    expect(res.json['name']).toBeUndefined();
    expect(res.json['id']).toBe(created.json['id']);
  });
});

describe('update', () => {
  it('increments the version', async () => {
    const created = await server.request('/Patient', { method: 'POST', body: patient() });
    const id = String(created.json['id']);
    const res = await server.request(`/Patient/${id}`, { method: 'PUT', body: patient({ id, gender: 'female' }) });
    expect(res.status).toBe(200);
    expect(res.headers.get('etag')).toBe('W/"2"');
    expect(res.json['meta']).toMatchObject({ versionId: '2' });
  });

  it('creates with the client id when the resource is unknown (update as create)', async () => {
    const res = await server.request('/Patient/client-chosen-1', { method: 'PUT', body: patient({ id: 'client-chosen-1' }) });
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toBe(`${server.base}/Patient/client-chosen-1/_history/1`);
  });

  it('rejects a stale If-Match with 412', async () => {
    const created = await server.request('/Patient', { method: 'POST', body: patient() });
    const id = String(created.json['id']);
    await server.request(`/Patient/${id}`, { method: 'PUT', body: patient({ id, gender: 'male' }) });
    const res = await server.request(`/Patient/${id}`, { method: 'PUT', body: patient({ id, gender: 'female' }), headers: { 'if-match': 'W/"1"' } });
    expect(res.status).toBe(412);
    const current = await server.request(`/Patient/${id}`);
    expect(current.json['gender']).toBe('male');
  });

  it('rejects a body id that differs from the URL with 400', async () => {
    const res = await server.request('/Patient/abc', { method: 'PUT', body: patient({ id: 'xyz' }) });
    expect(res.status).toBe(400);
    expect(issueOf(res.json).expression).toEqual(['Patient.id']);
  });

  it('rejects a body without an id with 400', async () => {
    const res = await server.request('/Patient/abc', { method: 'PUT', body: patient() });
    expect(res.status).toBe(400);
  });
});

describe('delete', () => {
  it('makes the resource Gone, succeeds again, and a later update continues the history', async () => {
    const created = await server.request('/Patient', { method: 'POST', body: patient() });
    const id = String(created.json['id']);
    const first = await server.request(`/Patient/${id}`, { method: 'DELETE' });
    expect(first.status).toBe(200);
    expect(first.headers.get('etag')).toBe('W/"2"');
    expect((await server.request(`/Patient/${id}`)).status).toBe(410);
    expect((await server.request(`/Patient/${id}`, { method: 'DELETE' })).status).toBe(200);
    const recreated = await server.request(`/Patient/${id}`, { method: 'PUT', body: patient({ id }) });
    expect(recreated.status).toBe(201);
    expect(recreated.json['meta']).toMatchObject({ versionId: '3' });
    expect((await server.request(`/Patient/${id}/_history/2`)).status).toBe(410);
  });

  it('answers Prefer: return=minimal with an empty body', async () => {
    const created = await server.request('/Patient', { method: 'POST', body: patient() });
    const res = await server.request(`/Patient/${String(created.json['id'])}`, { method: 'DELETE', headers: { prefer: 'return=minimal' } });
    expect(res.status).toBe(200);
    expect(res.text).toBe('');
  });
});
