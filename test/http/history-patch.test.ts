import { issueOf, startTestServer, type TestServer } from './local-server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.stop();
});

interface HistoryEntry { request: { method: string; url: string }; resource?: { meta: { versionId: string } }; response: { etag: string } }

async function createPatient(extra: Record<string, unknown> = {}): Promise<string> {
  const res = await server.request('/Patient', { method: 'POST', body: { resourceType: 'Patient', name: [{ family: 'Doe', given: ['Jane'] }], ...extra } });
  return String(res.json['id']);
}

describe('history', () => {
  it('lists instance versions newest first, with the delete as request.method DELETE', async () => {
    const id = await createPatient();
    await server.request(`/Patient/${id}`, { method: 'PUT', body: { resourceType: 'Patient', id, active: true } });
    await server.request(`/Patient/${id}`, { method: 'DELETE' });
    const res = await server.request(`/Patient/${id}/_history`);
    expect(res.status).toBe(200);
    expect(res.json['type']).toBe('history');
    const entries = res.json['entry'] as HistoryEntry[];
    expect(entries.map((e) => e.request.method)).toEqual(['DELETE', 'PUT', 'POST']);
    expect(entries.map((e) => e.response.etag)).toEqual(['W/"3"', 'W/"2"', 'W/"1"']);
    expect(entries[0]?.resource).toBeUndefined();
  });

  it('pages type history with next links that neither skip nor repeat', async () => {
    const ids = new Set<string>();
    for (let i = 0; i < 7; i += 1) ids.add(await createPatient({ gender: 'other' }));
    const seen: string[] = [];
    let url: string | undefined = `/Practitioner/_history?_count=3`;
    for (let i = 0; i < 7; i += 1) await server.request('/Practitioner', { method: 'POST', body: { resourceType: 'Practitioner', active: true } });
    while (url) {
      const page = await server.request(url);
      expect(page.status).toBe(200);
      const entries = (page.json['entry'] as HistoryEntry[] | undefined) ?? [];
      expect(entries.length).toBeLessThanOrEqual(3);
      seen.push(...entries.map((e) => e.request.url));
      // A write between pages must not shift the pages already handed out.
      await server.request('/Patient', { method: 'POST', body: { resourceType: 'Patient' } });
      url = (page.json['link'] as { relation: string; url: string }[]).find((l) => l.relation === 'next')?.url;
    }
    expect(seen).toHaveLength(7);
    expect(new Set(seen.map((s) => s)).size).toBe(1); // all are "Practitioner" (create entries use the type URL)
  });

  it('filters system history with _since', async () => {
    const before = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 5));
    const id = await createPatient();
    const res = await server.request(`/_history?_since=${encodeURIComponent(before)}`);
    const urls = (res.json['entry'] as { fullUrl: string }[]).map((e) => e.fullUrl);
    expect(urls).toContain(`${server.base}/Patient/${id}`);
    expect(res.json['entry'] as unknown[]).toHaveLength(urls.length);
  });

  it('answers a malformed _since with 400 naming the parameter', async () => {
    const res = await server.request('/_history?_since=yesterday');
    expect(res.status).toBe(400);
    expect(issueOf(res.json).expression).toEqual(['_since']);
  });

  it('returns the version current at _at', async () => {
    const id = await createPatient();
    await new Promise((r) => setTimeout(r, 10));
    const between = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 10));
    await server.request(`/Patient/${id}`, { method: 'PUT', body: { resourceType: 'Patient', id, active: false } });
    const res = await server.request(`/Patient/${id}/_history?_at=${encodeURIComponent(between)}`);
    const entries = res.json['entry'] as HistoryEntry[];
    expect(entries.map((e) => e.resource?.meta.versionId)).toEqual(['1']);
  });
});

describe('patch', () => {
  it('applies a JSON Patch and validates the result', async () => {
    const id = await createPatient();
    const res = await server.request(`/Patient/${id}`, {
      method: 'PATCH',
      rawBody: JSON.stringify([{ op: 'add', path: '/birthDate', value: '1990-01-01' }, { op: 'replace', path: '/name/0/family', value: 'Smith' }]),
      headers: { 'content-type': 'application/json-patch+json' },
    });
    expect(res.status).toBe(200);
    expect(res.json['birthDate']).toBe('1990-01-01');
    expect(res.json['meta']).toMatchObject({ versionId: '2' });
  });

  it('rejects a JSON Patch that makes the resource invalid, writing nothing', async () => {
    const id = await createPatient();
    const res = await server.request(`/Patient/${id}`, {
      method: 'PATCH',
      rawBody: JSON.stringify([{ op: 'add', path: '/birthDate', value: 'not-a-date' }]),
      headers: { 'content-type': 'application/json-patch+json' },
    });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.json)).toContain('Patient.birthDate');
    expect((await server.request(`/Patient/${id}`)).json['meta']).toMatchObject({ versionId: '1' });
  });

  it('applies a FHIRPath Patch (Parameters)', async () => {
    const id = await createPatient({ telecom: [{ system: 'phone', value: '555-1' }, { system: 'email', value: 'a@b.c' }] });
    const body = {
      resourceType: 'Parameters',
      parameter: [
        { name: 'operation', part: [{ name: 'type', valueCode: 'replace' }, { name: 'path', valueString: "Patient.telecom.where(system = 'email').value" }, { name: 'value', valueString: 'x@y.z' }] },
        { name: 'operation', part: [{ name: 'type', valueCode: 'add' }, { name: 'path', valueString: 'Patient' }, { name: 'name', valueString: 'gender' }, { name: 'value', valueCode: 'female' }] },
        { name: 'operation', part: [{ name: 'type', valueCode: 'delete' }, { name: 'path', valueString: "Patient.telecom.where(system = 'phone')" }] },
      ],
    };
    const res = await server.request(`/Patient/${id}`, { method: 'PATCH', body });
    expect(res.status).toBe(200);
    expect(res.json['telecom']).toEqual([{ system: 'email', value: 'x@y.z' }]);
    expect(res.json['gender']).toBe('female');
  });

  it('FHIRPath Patch add of a ContactPoint to a Patient with no telecom creates the list (issue 9, defect 9)', async () => {
    const id = await createPatient();
    const body = {
      resourceType: 'Parameters',
      parameter: [{ name: 'operation', part: [{ name: 'type', valueCode: 'add' }, { name: 'path', valueString: 'Patient' }, { name: 'name', valueString: 'telecom' }, { name: 'value', valueContactPoint: { system: 'phone', value: '555-0100' } }] }],
    };
    const res = await server.request(`/Patient/${id}`, { method: 'PATCH', body });
    expect(res.status).toBe(200);
    expect(res.json['telecom']).toEqual([{ system: 'phone', value: '555-0100' }]);
  });

  it('FHIRPath Patch naming an element the type does not have is 400 naming the operation', async () => {
    const id = await createPatient();
    const body = {
      resourceType: 'Parameters',
      parameter: [{ name: 'operation', part: [{ name: 'type', valueCode: 'add' }, { name: 'path', valueString: 'Patient' }, { name: 'name', valueString: 'nickname' }, { name: 'value', valueString: 'x' }] }],
    };
    const res = await server.request(`/Patient/${id}`, { method: 'PATCH', body });
    expect(res.status).toBe(400);
    expect(issueOf(res.json).expression).toEqual(['Parameters.parameter[0]']);
  });

  it('respects If-Match on patch', async () => {
    const id = await createPatient();
    const res = await server.request(`/Patient/${id}`, {
      method: 'PATCH',
      rawBody: JSON.stringify([{ op: 'add', path: '/active', value: true }]),
      headers: { 'content-type': 'application/json-patch+json', 'if-match': 'W/"7"' },
    });
    expect(res.status).toBe(412);
  });

  it('gives 404 when patching an unknown resource', async () => {
    const res = await server.request('/Patient/nope', {
      method: 'PATCH',
      rawBody: JSON.stringify([{ op: 'add', path: '/active', value: true }]),
      headers: { 'content-type': 'application/json-patch+json' },
    });
    expect(res.status).toBe(404);
  });

  it('rejects a patch that changes the id', async () => {
    const id = await createPatient();
    const res = await server.request(`/Patient/${id}`, {
      method: 'PATCH',
      rawBody: JSON.stringify([{ op: 'replace', path: '/id', value: 'other' }]),
      headers: { 'content-type': 'application/json-patch+json' },
    });
    expect(res.status).toBe(400);
  });
});
