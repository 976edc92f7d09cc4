import { rmSync } from 'node:fs';
// A Subscription notifies only about what its owner may read, in its tenant, checked when it is
// matched and again when it is delivered (issue 13; DESIGN.md: Auth).
import { issueOf, startTestServer, type TestServer } from '../http/local-server';
import { startReceiver, type Receiver } from './receiver';
import { activeSubscription, FAST_RETRIES, sleep, subscription } from './support';

let receiver: Receiver;
beforeAll(async () => {
  receiver = await startReceiver();
});
afterAll(async () => {
  await receiver.close();
});

describe('Cognito groups and tenants', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ ...FAST_RETRIES, FHIR_AUTH_MODE: 'cognito', FHIR_MULTI_TENANCY: 'true' });
  });
  afterAll(async () => {
    await server.stop();
  });
  const auth = (groups: string[], tenant: string): Record<string, string> => ({ authorization: `Bearer ${server.running.app.devIssuer?.mint({ groups, tenant }) ?? ''}` });

  it('never notifies a change in another tenant', async () => {
    const t1 = auth(['practitioner'], 't1');
    await activeSubscription(server, { criteria: 'Patient?family=Tenant', endpoint: `${receiver.url}/tenant` }, t1, `${server.base}/tenant/t1`);
    await server.request(`${server.base}/tenant/t2/Patient`, { method: 'POST', body: { resourceType: 'Patient', name: [{ family: 'Tenant' }] }, headers: auth(['practitioner'], 't2') });
    await sleep(200);
    expect(receiver.received.filter((r) => r.path === '/tenant')).toEqual([]);
    await server.request(`${server.base}/tenant/t1/Patient`, { method: 'POST', body: { resourceType: 'Patient', name: [{ family: 'Tenant' }] }, headers: t1 });
    await receiver.waitFor((r) => r.filter((x) => x.path === '/tenant').length === 1);
  });
});

describe('SMART scopes', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ ...FAST_RETRIES, FHIR_AUTH_MODE: 'smart' });
  });
  afterAll(async () => {
    await server.stop();
  });
  const token = (scopes: string[], patient?: string): Record<string, string> => ({
    authorization: `Bearer ${server.running.app.devIssuer?.mint({ scopes, ...(patient !== undefined ? { patient } : {}) }) ?? ''}`,
  });
  const observation = (patient: string): Record<string, unknown> => ({ resourceType: 'Observation', status: 'final', code: { text: 'heart rate' }, subject: { reference: `Patient/${patient}` } });

  it('refuses criteria on a type the creator may not read with 403', async () => {
    const res = await server.request('/Subscription', { method: 'POST', body: subscription({ criteria: 'Observation', endpoint: `${receiver.url}/x` }), headers: token(['system/Subscription.*']) });
    expect(res.status).toBe(403);
    expect(issueOf(res.json).code).toBe('forbidden');
    const allowed = await server.request('/Subscription', { method: 'POST', body: subscription({ criteria: 'Observation', endpoint: `${receiver.url}/x` }), headers: token(['system/Subscription.*', 'system/Observation.read']) });
    expect(allowed.status).toBe(201);
  });

  it("notifies only resources in the owner's patient compartment", async () => {
    const writer = token(['system/*.*']);
    await server.request('/Patient/sp1', { method: 'PUT', body: { resourceType: 'Patient', id: 'sp1' }, headers: writer });
    await server.request('/Patient/sp2', { method: 'PUT', body: { resourceType: 'Patient', id: 'sp2' }, headers: writer });
    const owner = token(['system/Subscription.*', 'patient/Observation.read'], 'sp1');
    await activeSubscription(server, { criteria: 'Observation', endpoint: `${receiver.url}/smart`, payload: 'application/fhir+json' }, owner);
    const other = await server.request('/Observation', { method: 'POST', body: observation('sp2'), headers: writer });
    const own = await server.request('/Observation', { method: 'POST', body: observation('sp1'), headers: writer });
    await receiver.waitFor((r) => r.some((x) => x.path === `/smart/Observation/${String(own.json['id'])}`));
    await sleep(150);
    expect(receiver.received.filter((x) => x.path === `/smart/Observation/${String(other.json['id'])}`)).toEqual([]);
  });
});

describe('durability', () => {
  it('a restart loses no pending notification', async () => {
    const env = { ...FAST_RETRIES, FHIR_SUBSCRIPTION_MAX_ATTEMPTS: '50', FHIR_SUBSCRIPTION_RETRY_BASE_MS: '50', FHIR_SUBSCRIPTION_RETRY_MAX_MS: '50' };
    const first = await startTestServer(env, { inMemory: false });
    const dataDir = first.dataDir;
    let down = true;
    receiver.answer = (r) => (r.path === '/durable' && down ? { status: 503 } : { status: 200 });
    await activeSubscription(first, { criteria: 'Patient?family=Durable', endpoint: `${receiver.url}/durable` });
    await first.request('/Patient', { method: 'POST', body: { resourceType: 'Patient', name: [{ family: 'Durable' }] } });
    const failedOnce = await receiver.waitFor((r) => r.some((x) => x.path === '/durable'));
    const notificationId = failedOnce.find((x) => x.path === '/durable')?.headers['x-notification-id'];
    await first.running.close();
    down = false;
    const attemptsBefore = receiver.received.filter((x) => x.path === '/durable').length;
    const second = await startTestServer({ ...env, FHIR_DATA_DIR: dataDir }, { inMemory: false });
    try {
      const received = await receiver.waitFor((r) => r.filter((x) => x.path === '/durable').length > attemptsBefore);
      const last = received.filter((x) => x.path === '/durable').at(-1);
      expect(last?.headers['x-notification-id']).toBe(notificationId);
    } finally {
      await second.stop();
      rmSync(dataDir, { recursive: true, force: true });
      receiver.answer = () => ({ status: 200 });
    }
  });
});
