import { randomBytes } from 'node:crypto';
import { startTestServer, type TestServer } from './local-server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.stop();
});

async function rawPost(path: string, bytes: Buffer, contentType: string, method = 'POST'): Promise<Response> {
  return fetch(`${server.base}${path}`, { method, headers: { 'content-type': contentType, accept: 'application/fhir+json' }, body: bytes });
}

describe('Binary (binary.html#rest)', () => {
  it('takes raw content in its own media type and serves it back natively', async () => {
    const png = randomBytes(2048);
    const created = await rawPost('/Binary', png, 'image/png');
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const raw = await fetch(`${server.base}/Binary/${id}`, { headers: { accept: 'image/png' } });
    expect(raw.status).toBe(200);
    expect(raw.headers.get('content-type')).toBe('image/png');
    expect(raw.headers.get('etag')).toBe('W/"1"');
    expect(Buffer.from(await raw.arrayBuffer()).equals(png)).toBe(true);
  });

  it('answers a FHIR Accept with the Binary resource and its base64 data', async () => {
    const bytes = Buffer.from('%PDF-1.7 tiny');
    const created = await rawPost('/Binary', bytes, 'application/pdf');
    const { id } = (await created.json()) as { id: string };
    const res = await server.request(`/Binary/${id}`);
    expect(res.json).toMatchObject({ resourceType: 'Binary', contentType: 'application/pdf', data: bytes.toString('base64') });
  });

  it('keeps the content out of the stored resource, in the binary store', async () => {
    const created = await server.request('/Binary', { method: 'POST', body: { resourceType: 'Binary', contentType: 'text/plain', data: Buffer.from('hello').toString('base64') } });
    const id = String(created.json['id']);
    const stored = await server.running.app.deps.store.read('default', 'Binary', id);
    expect(stored?.resource?.['data']).toBeUndefined();
    const raw = await fetch(`${server.base}/Binary/${id}`);
    expect(await raw.text()).toBe('hello');
  });

  it('keeps every version: vread of version 1 after an update returns the first content', async () => {
    const created = await rawPost('/Binary', Buffer.from('first'), 'text/plain');
    const { id } = (await created.json()) as { id: string };
    const updated = await rawPost(`/Binary/${id}`, Buffer.from('second'), 'text/plain', 'PUT');
    expect(updated.status).toBe(200);
    expect(await (await fetch(`${server.base}/Binary/${id}`)).text()).toBe('second');
    expect(await (await fetch(`${server.base}/Binary/${id}/_history/1`)).text()).toBe('first');
  });

  it('stores a 3 MB document', async () => {
    const big = randomBytes(3 * 1024 * 1024);
    const created = await rawPost('/Binary', big, 'application/octet-stream');
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const raw = await fetch(`${server.base}/Binary/${id}`);
    expect(Buffer.from(await raw.arrayBuffer()).equals(big)).toBe(true);
  });

  it('answers 304 to a native read with the current ETag', async () => {
    const created = await rawPost('/Binary', Buffer.from('etag'), 'text/plain');
    const { id } = (await created.json()) as { id: string };
    const res = await fetch(`${server.base}/Binary/${id}`, { headers: { 'if-none-match': 'W/"1"' } });
    expect(res.status).toBe(304);
  });
});
