import { issueOf, startTestServer, type TestServer } from './local-server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ FHIR_MAX_BODY_BYTES: '200000' });
});
afterAll(async () => {
  await server.stop();
});

async function historyCount(): Promise<number> {
  const res = await server.request('/_history?_count=1000');
  return ((res.json['entry'] as unknown[] | undefined) ?? []).length;
}

describe('formats', () => {
  it('serves application/json when asked with _format=json, pretty with _pretty', async () => {
    const res = await server.request('/metadata?_format=application/json&_pretty=true', { headers: { accept: '*/*' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(res.text).toContain('\n  "resourceType"');
  });

  it('answers an XML-only Accept with 406', async () => {
    const res = await server.request('/metadata', { headers: { accept: 'application/fhir+xml' } });
    expect(res.status).toBe(406);
    expect(res.json.resourceType).toBe('OperationOutcome');
  });

  it('answers _format=xml with 406 naming the parameter', async () => {
    const res = await server.request('/metadata?_format=xml');
    expect(res.status).toBe(406);
    expect(issueOf(res.json).expression).toEqual(['_format']);
  });

  it('answers an XML body with 415', async () => {
    const res = await server.request('/Patient', { method: 'POST', rawBody: '<Patient xmlns="http://hl7.org/fhir"/>', headers: { 'content-type': 'application/fhir+xml' } });
    expect(res.status).toBe(415);
  });

  it('serves a CapabilityStatement listing the types and interactions', async () => {
    const res = await server.request('/metadata');
    expect(res.json.resourceType).toBe('CapabilityStatement');
    const rest = (res.json['rest'] as { resource: { type: string; interaction: { code: string }[] }[] }[])[0];
    expect(rest?.resource.map((r) => r.type)).toContain('Patient');
    expect(rest?.resource.find((r) => r.type === 'Observation')?.interaction.map((i) => i.code)).toEqual(expect.arrayContaining(['read', 'vread', 'update', 'patch', 'delete', 'create', 'history-instance']));
  });
});

describe('bad input is a clear 4xx and writes nothing', () => {
  it('malformed JSON is 400', async () => {
    const before = await historyCount();
    const res = await server.request('/Patient', { method: 'POST', rawBody: '{"resourceType": "Patient",', headers: { 'content-type': 'application/fhir+json' } });
    expect(res.status).toBe(400);
    expect(issueOf(res.json).code).toBe('structure');
    expect(await historyCount()).toBe(before);
  });

  it('a body over the limit is 413', async () => {
    const res = await server.request('/Patient', { method: 'POST', body: { resourceType: 'Patient', name: [{ text: 'x'.repeat(300_000) }] } });
    expect(res.status).toBe(413);
  });

  it('deep nesting is 400, not a crash', async () => {
    const deep = `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`;
    const res = await server.request('/Patient', { method: 'POST', rawBody: deep, headers: { 'content-type': 'application/fhir+json' } });
    expect(res.status).toBe(400);
  });

  it('a JSON array body is 400', async () => {
    const res = await server.request('/Patient', { method: 'POST', rawBody: '[1,2]', headers: { 'content-type': 'application/fhir+json' } });
    expect(res.status).toBe(400);
  });

  it('an unknown element is 400 pointing at it', async () => {
    const res = await server.request('/Patient', { method: 'POST', body: { resourceType: 'Patient', favouriteColour: 'blue' } });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.json)).toContain('Patient.favouriteColour');
  });

  it('a wrong primitive type is 400 pointing at it', async () => {
    const res = await server.request('/Patient', { method: 'POST', body: { resourceType: 'Patient', active: 'yes' } });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.json)).toContain('Patient.active');
  });

  it('an invalid date is 400 pointing at Patient.birthDate', async () => {
    const res = await server.request('/Patient', { method: 'POST', body: { resourceType: 'Patient', birthDate: '1974-13-45' } });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.json)).toContain('Patient.birthDate');
  });

  it('a missing required element is 400', async () => {
    const res = await server.request('/Observation', { method: 'POST', body: { resourceType: 'Observation', code: { text: 'x' } } });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.json)).toContain('Observation.status');
  });

  it('a bad id character in the URL is 400', async () => {
    const res = await server.request('/Patient/bad$id', { method: 'PUT', body: { resourceType: 'Patient', id: 'bad$id' } });
    expect(res.status).toBe(400);
  });

  it('an unsupported method is 405', async () => {
    const res = await server.request('/metadata', { method: 'DELETE' });
    expect(res.status).toBe(405);
  });
});

describe('bundles with bad input', () => {
  it('answers an XML Bundle with 415', async () => {
    const res = await server.request('/', { method: 'POST', rawBody: '<Bundle xmlns="http://hl7.org/fhir"/>', headers: { 'content-type': 'application/fhir+xml' } });
    expect(res.status).toBe(415);
  });

  it('answers a POST to the base without a body with 400', async () => {
    const res = await server.request('/', { method: 'POST' });
    expect(res.status).toBe(400);
  });
});

describe('CORS', () => {
  it('answers a preflight from a browser app', async () => {
    const res = await server.request('/Patient', { method: 'OPTIONS', headers: { origin: 'https://app.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' } });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-headers')).toContain('if-match');
  });

  it('exposes ETag and Location to browser apps', async () => {
    const res = await server.request('/Patient', { method: 'POST', body: { resourceType: 'Patient' }, headers: { origin: 'https://app.example' } });
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-expose-headers')).toContain('etag');
  });
});

describe('search modifiers (issue 9, defects 6 and 7)', () => {
  it.each([
    ['family:nosuchmodifier=x', 'family:nosuchmodifier'],
    ['gender:exact=male', 'gender:exact'],
    ['family:below=x', 'family:below'],
  ])('Patient?%s is 400 naming the modifier, with Prefer: handling=lenient too', async (query, expression) => {
    const prefers: Record<string, string>[] = [{}, { prefer: 'handling=lenient' }, { prefer: 'handling=strict' }];
    for (const prefer of prefers) {
      const res = await server.request(`/Patient?${query}`, { headers: prefer });
      expect(res.status).toBe(400);
      expect(issueOf(res.json).expression).toEqual([expression]);
      expect(issueOf(res.json).diagnostics).toContain(`:${expression.split(':')[1] ?? ''}`);
    }
  });

  it('an unknown parameter is still ignored under lenient handling', async () => {
    const res = await server.request('/Patient?nosuchparameter=x', { headers: { prefer: 'handling=lenient' } });
    expect(res.status).toBe(200);
  });

  it('token :text matches CodeableConcept.text even when its codings have a display', async () => {
    const tag = `t${Date.now()}`;
    const created = await server.request('/Observation', {
      method: 'POST',
      body: { resourceType: 'Observation', status: 'final', code: { coding: [{ system: 'http://loinc.org', code: '2339-0', display: 'Glucose' }], text: `Fasting ${tag}` } },
    });
    expect(created.status).toBe(201);
    const res = await server.request(`/Observation?code:text=${tag}`);
    expect(res.json['total']).toBe(1);
  });
});
