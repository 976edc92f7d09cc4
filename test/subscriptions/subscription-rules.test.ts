// What a client may write as a Subscription, and SSRF protection of rest-hook endpoints (issue 13).
import type { HostResolver } from '../../core/subscriptions/endpoint-check';
import { issueOf, startTestServer, type TestServer } from '../http/local-server';
import { startReceiver, type Receiver } from './receiver';
import { FAST_RETRIES, subscription, waitForStatus } from './support';

let server: TestServer;
let receiver: Receiver;
const names: Record<string, string> = {};
const resolveHost: HostResolver = (hostname) => {
  const address = names[hostname];
  return address === undefined ? Promise.reject(new Error(`unknown host ${hostname}`)) : Promise.resolve([{ address, family: address.includes(':') ? 6 : 4 }]);
};

beforeAll(async () => {
  server = await startTestServer(FAST_RETRIES, { inMemory: true, subscriptions: { resolveHost } });
  receiver = await startReceiver();
});
afterAll(async () => {
  await server.stop();
  await receiver.close();
});

async function create(body: Record<string, unknown>): Promise<{ status: number; issue: ReturnType<typeof issueOf>; id: string }> {
  const res = await server.request('/Subscription', { method: 'POST', body });
  return { status: res.status, issue: issueOf(res.json), id: String(res.json['id']) };
}

describe('Subscription validation', () => {
  it.each(['email', 'sms', 'message'])('refuses channel.type %s with 400', async (type) => {
    const { status, issue } = await create(subscription({ criteria: 'Patient', type, endpoint: 'mailto:a@example.org' }));
    expect(status).toBe(400);
    expect(issue.code).toBe('not-supported');
    expect(issue.expression).toEqual(['Subscription.channel.type']);
  });

  it('refuses criteria with an unknown search parameter', async () => {
    const { status, issue } = await create(subscription({ criteria: 'Patient?not-a-parameter=1', endpoint: `${receiver.url}/x` }));
    expect(status).toBe(400);
    expect(issue.expression).toEqual(['Subscription.criteria']);
  });

  it('refuses criteria that are not a resource type', async () => {
    const { status, issue } = await create(subscription({ criteria: 'Nonsense?x=1', endpoint: `${receiver.url}/x` }));
    expect(status).toBe(400);
    expect(issue.expression).toEqual(['Subscription.criteria']);
  });

  it('refuses result parameters in criteria', async () => {
    const { status, issue } = await create(subscription({ criteria: 'Patient?_count=5', endpoint: `${receiver.url}/x` }));
    expect(status).toBe(400);
    expect(issue.expression).toEqual(['Subscription.criteria']);
  });

  it('refuses a payload other than application/fhir+json', async () => {
    const { status, issue } = await create(subscription({ criteria: 'Patient', endpoint: `${receiver.url}/x`, payload: 'application/fhir+xml' }));
    expect(status).toBe(400);
    expect(issue.expression).toEqual(['Subscription.channel.payload']);
  });

  it('refuses a malformed header line', async () => {
    const { status, issue } = await create(subscription({ criteria: 'Patient', endpoint: `${receiver.url}/x`, header: ['no colon here'] }));
    expect(status).toBe(400);
    expect(issue.expression).toEqual(['Subscription.channel.header[0]']);
  });

  it('never activates plain http to a host that does not resolve to loopback', async () => {
    names['hooks.example.org'] = '93.184.216.34';
    const { status, id } = await create(subscription({ criteria: 'Patient', endpoint: 'http://hooks.example.org/x' }));
    expect(status).toBe(201);
    const failed = await waitForStatus(server, `/Subscription/${id}`, 'error');
    expect(failed.json['error']).toContain('http is allowed for loopback endpoints only');
  });

  it('refuses a non-http endpoint scheme', async () => {
    const { status, issue } = await create(subscription({ criteria: 'Patient', endpoint: 'ftp://hooks.example.org/x' }));
    expect(status).toBe(400);
    expect(issue.expression).toEqual(['Subscription.channel.endpoint']);
  });

  it('refuses a rest-hook without an endpoint', async () => {
    const { status, issue } = await create(subscription({ criteria: 'Patient' }));
    expect(status).toBe(400);
    expect(issue.expression).toEqual(['Subscription.channel.endpoint']);
  });

  it('does not let a client set the owner', async () => {
    const body = { ...subscription({ criteria: 'Patient', endpoint: `${receiver.url}/x` }), extension: [{ url: 'urn:fhir-gateway:subscription-owner', valueString: '{"subject":"someone-else","groups":["practitioner"],"scopes":[]}' }] };
    const res = await server.request('/Subscription', { method: 'POST', body });
    expect(JSON.stringify(res.json)).not.toContain('someone-else');
  });
});

describe('SSRF protection', () => {
  it.each([
    ['private 10/8', 'https://10.0.0.1/hook'],
    ['private 172.16/12', 'https://172.20.1.1/hook'],
    ['private 192.168/16', 'https://192.168.1.10/hook'],
    ['link-local cloud metadata', 'http://169.254.169.254/latest/meta-data'],
    ['link-local IPv6', 'https://[fe80::1]/hook'],
    ['unique-local IPv6', 'https://[fd00::1]/hook'],
    ['IPv4-mapped private', 'https://[::ffff:10.0.0.1]/hook'],
    ['unspecified', 'https://0.0.0.0/hook'],
  ])('refuses an endpoint at a %s address at create time', async (_name, endpoint) => {
    const { status, issue } = await create(subscription({ criteria: 'Patient', endpoint }));
    expect(status).toBe(403);
    expect(issue.expression).toEqual(['Subscription.channel.endpoint']);
  });

  it('never activates an endpoint whose name resolves into a refused range', async () => {
    names['rebind.example.test'] = '169.254.169.254';
    const { status, id } = await create(subscription({ criteria: 'Patient', endpoint: 'https://rebind.example.test/hook' }));
    expect(status).toBe(201);
    const failed = await waitForStatus(server, `/Subscription/${id}`, 'error');
    expect(failed.json['error']).toContain('169.254.169.254 is a link-local address');
  });

  it('checks the address again at delivery time (DNS rebinding after activation)', async () => {
    names['flip.example.test'] = '127.0.0.1';
    const endpoint = `http://flip.example.test:${receiver.port}/flip`;
    const { id } = await create(subscription({ criteria: 'Patient?family=Flip', endpoint }));
    await waitForStatus(server, `/Subscription/${id}`, 'active');
    names['flip.example.test'] = '10.1.2.3';
    await server.request('/Patient', { method: 'POST', body: { resourceType: 'Patient', name: [{ family: 'Flip' }] } });
    const failed = await waitForStatus(server, `/Subscription/${id}`, 'error');
    expect(failed.json['error']).toContain('10.1.2.3 is a private address');
    expect(receiver.received.filter((r) => r.path === '/flip')).toEqual([]);
  });

  it('connects to the checked address, with the name in Host', async () => {
    names['local.example.test'] = '127.0.0.1';
    const { id } = await create(subscription({ criteria: 'Patient?family=Named', endpoint: `http://local.example.test:${receiver.port}/named` }));
    await waitForStatus(server, `/Subscription/${id}`, 'active');
    await server.request('/Patient', { method: 'POST', body: { resourceType: 'Patient', name: [{ family: 'Named' }] } });
    const hit = (await receiver.waitFor((r) => r.some((x) => x.path === '/named'))).find((x) => x.path === '/named');
    expect(hit?.headers['host']).toBe(`local.example.test:${receiver.port}`);
  });
});

describe('the AWS default policy', () => {
  it('refuses loopback when FHIR_SUBSCRIPTION_ALLOW_LOOPBACK is false', async () => {
    const strict = await startTestServer({ ...FAST_RETRIES, FHIR_SUBSCRIPTION_ALLOW_LOOPBACK: 'false' });
    try {
      const res = await strict.request('/Subscription', { method: 'POST', body: subscription({ criteria: 'Patient', endpoint: `${receiver.url}/x` }) });
      expect(res.status).toBe(403);
      const http = await strict.request('/Subscription', { method: 'POST', body: subscription({ criteria: 'Patient', endpoint: 'http://hooks.example.org/x' }) });
      expect(http.status).toBe(400);
    } finally {
      await strict.stop();
    }
  });

  it('allows a private range named in FHIR_SUBSCRIPTION_ALLOWED_CIDRS', async () => {
    const allowing = await startTestServer({ ...FAST_RETRIES, FHIR_SUBSCRIPTION_ALLOWED_CIDRS: '10.9.0.0/16' });
    try {
      const res = await allowing.request('/Subscription', { method: 'POST', body: subscription({ criteria: 'Patient', endpoint: 'https://10.9.1.1/hook' }) });
      expect(res.status).toBe(201);
    } finally {
      await allowing.stop();
    }
  });
});
