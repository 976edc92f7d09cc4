// rest-hook Subscriptions on the real local server, delivering to a real HTTP receiver on
// 127.0.0.1 (https://hl7.org/fhir/R4/subscription.html#2.46.7.1; issue 13).
import { startTestServer, type TestServer } from '../http/local-server';
import { startReceiver, type Receiver } from './receiver';
import { activeSubscription, FAST_RETRIES, sleep, subscription, waitForStatus } from './support';

let server: TestServer;
let receiver: Receiver;

beforeAll(async () => {
  server = await startTestServer(FAST_RETRIES);
  receiver = await startReceiver();
});
afterAll(async () => {
  await server.stop();
  await receiver.close();
});
beforeEach(() => {
  receiver.received.length = 0;
  receiver.answer = () => ({ status: 200 });
});

const patient = (family: string): Record<string, unknown> => ({ resourceType: 'Patient', name: [{ family }] });

describe('Subscription lifecycle', () => {
  it('is created requested, then the server activates it with a real update (history)', async () => {
    const created = await server.request('/Subscription', { method: 'POST', body: subscription({ criteria: 'Patient?family=lifecycle', endpoint: `${receiver.url}/hook` }) });
    expect(created.status).toBe(201);
    expect(created.json['status']).toBe('requested');
    const id = String(created.json['id']);
    const active = await waitForStatus(server, `/Subscription/${id}`, 'active');
    expect((active.json['meta'] as { versionId: string }).versionId).toBe('2');
    const history = await server.request(`/Subscription/${id}/_history`);
    const statuses = (history.json['entry'] as { resource: { status: string } }[]).map((e) => e.resource.status);
    expect(statuses).toEqual(['active', 'requested']);
  });

  it('takes the status from the server, not the client', async () => {
    const created = await server.request('/Subscription', { method: 'POST', body: { ...subscription({ criteria: 'Patient', endpoint: `${receiver.url}/x` }), status: 'active' } });
    expect(created.json['status']).toBe('requested');
  });

  it('is off when end is in the past', async () => {
    const created = await server.request('/Subscription', { method: 'POST', body: subscription({ criteria: 'Patient', endpoint: `${receiver.url}/x`, end: '2001-01-01T00:00:00Z' }) });
    expect(created.json['status']).toBe('off');
  });

  it('is searchable and deletable like any resource', async () => {
    const id = await activeSubscription(server, { criteria: 'Patient?family=searchable', endpoint: `${receiver.url}/s` });
    const found = await server.request('/Subscription?criteria=Patient&status=active');
    expect(JSON.stringify(found.json)).toContain(id);
    expect((await server.request(`/Subscription/${id}`, { method: 'DELETE' })).status).toBe(200);
    await server.request('/Patient', { method: 'POST', body: patient('searchable') });
    await sleep(150);
    expect(receiver.received.filter((r) => r.path === '/s')).toEqual([]);
  });
});

describe('rest-hook delivery', () => {
  it('empty payload: POST with no body to the endpoint, with channel.header and a notification id', async () => {
    await activeSubscription(server, { criteria: 'Patient?family=Empty', endpoint: `${receiver.url}/empty`, header: ['Authorization: Bearer secret-for-receiver', 'X-Custom: 1'] });
    await server.request('/Patient', { method: 'POST', body: patient('Empty') });
    const hit = (await receiver.waitFor((r) => r.some((x) => x.path === '/empty'))).find((x) => x.path === '/empty');
    expect(hit?.method).toBe('POST');
    expect(hit?.body).toBe('');
    expect(hit?.headers['authorization']).toBe('Bearer secret-for-receiver');
    expect(hit?.headers['x-custom']).toBe('1');
    expect(hit?.headers['x-notification-id']).toMatch(/.+/);
  });

  it('application/fhir+json: PUT [endpoint]/[type]/[id] with the resource', async () => {
    await activeSubscription(server, { criteria: 'Patient?family=Full', endpoint: `${receiver.url}/full`, payload: 'application/fhir+json' });
    const created = await server.request('/Patient', { method: 'POST', body: patient('Full') });
    const id = String(created.json['id']);
    const received = await receiver.waitFor((r) => r.some((x) => x.path.startsWith('/full/')));
    const hit = received.find((x) => x.path.startsWith('/full/'));
    expect(hit?.method).toBe('PUT');
    expect(hit?.path).toBe(`/full/Patient/${id}`);
    expect(hit?.headers['content-type']).toContain('application/fhir+json');
    expect(JSON.parse(hit?.body ?? '{}')).toMatchObject({ resourceType: 'Patient', id, name: [{ family: 'Full' }] });
  });

  it('notifies only what matches the criteria, and never a delete', async () => {
    await activeSubscription(server, { criteria: 'Patient?family=Only', endpoint: `${receiver.url}/only` });
    await server.request('/Patient', { method: 'POST', body: patient('Other') });
    const created = await server.request('/Patient', { method: 'POST', body: patient('Only') });
    await receiver.waitFor((r) => r.filter((x) => x.path === '/only').length === 1);
    await server.request(`/Patient/${String(created.json['id'])}`, { method: 'DELETE' });
    await sleep(200);
    expect(receiver.received.filter((x) => x.path === '/only')).toHaveLength(1);
  });

  it('retries after 500s with the same notification id, then delivers', async () => {
    await activeSubscription(server, { criteria: 'Patient?family=Retry', endpoint: `${receiver.url}/retry` });
    let calls = 0;
    receiver.answer = (r) => (r.path === '/retry' && ++calls <= 2 ? { status: 500 } : { status: 200 });
    await server.request('/Patient', { method: 'POST', body: patient('Retry') });
    const received = (await receiver.waitFor((r) => r.filter((x) => x.path === '/retry').length === 3)).filter((x) => x.path === '/retry');
    expect(new Set(received.map((x) => x.headers['x-notification-id'])).size).toBe(1);
    await sleep(150);
    expect(receiver.received.filter((x) => x.path === '/retry')).toHaveLength(3);
  });

  it('retries after a timeout', async () => {
    await activeSubscription(server, { criteria: 'Patient?family=Slow', endpoint: `${receiver.url}/slow` });
    let calls = 0;
    receiver.answer = (r) => (r.path === '/slow' && ++calls === 1 ? { status: 200, delayMs: 2500 } : { status: 200 });
    await server.request('/Patient', { method: 'POST', body: patient('Slow') });
    const received = (await receiver.waitFor((r) => r.filter((x) => x.path === '/slow').length === 2)).filter((x) => x.path === '/slow');
    expect(received[1]?.headers['x-notification-id']).toBe(received[0]?.headers['x-notification-id']);
  });

  it('does not follow redirects', async () => {
    const id = await activeSubscription(server, { criteria: 'Patient?family=Redirect', endpoint: `${receiver.url}/redirect` });
    receiver.answer = (r) => (r.path === '/redirect' ? { status: 302, headers: { location: `${receiver.url}/elsewhere` } } : { status: 200 });
    await server.request('/Patient', { method: 'POST', body: patient('Redirect') });
    const failed = await waitForStatus(server, `/Subscription/${id}`, 'error');
    expect(failed.json['error']).toContain('HTTP 302');
    expect(receiver.received.filter((x) => x.path === '/elsewhere')).toEqual([]);
  });

  it('turns the Subscription to error, with the reason, after the retries are exhausted', async () => {
    const id = await activeSubscription(server, { criteria: 'Patient?family=Down', endpoint: `${receiver.url}/down` });
    receiver.answer = (r) => (r.path === '/down' ? { status: 503 } : { status: 200 });
    await server.request('/Patient', { method: 'POST', body: patient('Down') });
    const failed = await waitForStatus(server, `/Subscription/${id}`, 'error');
    expect(failed.json['error']).toBe('Delivery failed after 3 attempts: HTTP 503');
    expect(receiver.received.filter((x) => x.path === '/down')).toHaveLength(3);
    // No more notifications once in error.
    await server.request('/Patient', { method: 'POST', body: patient('Down') });
    await sleep(150);
    expect(receiver.received.filter((x) => x.path === '/down')).toHaveLength(3);
  });

  it('keeps the order of versions of one resource, even across retries', async () => {
    await activeSubscription(server, { criteria: 'Patient?family=Order', endpoint: `${receiver.url}/order`, payload: 'application/fhir+json' });
    let first = true;
    receiver.answer = (r) => {
      if (r.path.startsWith('/order/') && first) {
        first = false;
        return { status: 500 };
      }
      return { status: 200, delayMs: 5 };
    };
    const created = await server.request('/Patient', { method: 'POST', body: patient('Order') });
    const id = String(created.json['id']);
    for (let i = 0; i < 4; i++) await server.request(`/Patient/${id}`, { method: 'PUT', body: { ...patient('Order'), id, gender: i % 2 === 0 ? 'male' : 'female' } });
    const received = await receiver.waitFor((r) => r.some((x) => x.path === `/order/Patient/${id}` && x.body.includes('"versionId":"5"')));
    const versions = received.filter((x) => x.path === `/order/Patient/${id}` && x.body !== '').map((x) => Number((JSON.parse(x.body) as { meta: { versionId: string } }).meta.versionId));
    expect(versions[0]).toBe(1);
    expect([...versions].sort((a, b) => a - b)).toEqual(versions);
  });
});
