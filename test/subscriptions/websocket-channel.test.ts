// The R4 websocket Subscription channel with a real `ws` client (subscription.html#2.46.7.3):
// bind <id> -> bound <id>, then ping <id> on each match; the GraphQL WebSocket's authentication.
import WebSocket from 'ws';
import { attachFhirWebSocket, type FhirWebSocket } from '../../local/fhir-websocket';
import { startTestServer, type TestServer } from '../http/local-server';
import { activeSubscription, FAST_RETRIES, subscription } from './support';

let server: TestServer;
let sockets: FhirWebSocket;
let auth: Record<string, string>;
let wsUrl: string;

beforeAll(async () => {
  server = await startTestServer({ ...FAST_RETRIES, FHIR_AUTH_MODE: 'cognito' });
  sockets = attachFhirWebSocket(server.running.server, () => server.running.app);
  auth = { authorization: `Bearer ${server.running.app.devIssuer?.mint({ groups: ['practitioner'] }) ?? ''}` };
  wsUrl = `ws://127.0.0.1:${server.running.port}/fhir/websocket`;
});
afterAll(async () => {
  await sockets.close();
  await server.stop();
});

function connect(headers: Record<string, string>): Promise<{ socket: WebSocket; next: () => Promise<string> }> {
  const socket = new WebSocket(wsUrl, { headers });
  const messages: string[] = [];
  const waiters: ((message: string) => void)[] = [];
  socket.on('message', (data: Buffer) => {
    const waiter = waiters.shift();
    if (waiter) waiter(data.toString('utf8'));
    else messages.push(data.toString('utf8'));
  });
  const next = (): Promise<string> => {
    const queued = messages.shift();
    return queued !== undefined ? Promise.resolve(queued) : new Promise((resolve) => waiters.push(resolve));
  };
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve({ socket, next }));
    socket.once('error', reject);
  });
}

describe('websocket channel', () => {
  it('binds, answers bound, and pings on each matching change', async () => {
    const id = await activeSubscription(server, { criteria: 'Patient?family=Socket', type: 'websocket' }, auth);
    const { socket, next } = await connect(auth);
    try {
      socket.send(`bind ${id}`);
      expect(await next()).toBe(`bound ${id}`);
      await server.request('/Patient', { method: 'POST', body: { resourceType: 'Patient', name: [{ family: 'Other' }] }, headers: auth });
      await server.request('/Patient', { method: 'POST', body: { resourceType: 'Patient', name: [{ family: 'Socket' }] }, headers: auth });
      expect(await next()).toBe(`ping ${id}`);
    } finally {
      socket.close();
    }
  });

  it('refuses to bind a rest-hook Subscription or an unknown one', async () => {
    const created = await server.request('/Subscription', { method: 'POST', body: subscription({ criteria: 'Patient', endpoint: 'http://127.0.0.1:9/x' }), headers: auth });
    const { socket, next } = await connect(auth);
    try {
      socket.send(`bind ${String(created.json['id'])}`);
      expect(await next()).toMatch(/^error .* does not use the websocket channel/);
      socket.send('bind does-not-exist');
      expect(await next()).toMatch(/^error does-not-exist /);
    } finally {
      socket.close();
    }
  });

  it('closes a socket without a valid token', async () => {
    const { socket } = await connect({});
    const code = await new Promise<number>((resolve) => {
      socket.once('close', (closeCode: number) => resolve(closeCode));
    });
    expect(code).toBe(4401);
  });

  it('is declared in the CapabilityStatement with its channel types', async () => {
    const metadata = await server.request('/metadata');
    const rest = (metadata.json['rest'] as { extension?: { url: string; valueUri: string }[]; resource: { type: string; documentation?: string }[] }[])[0];
    expect(rest?.extension).toEqual([{ url: 'http://hl7.org/fhir/StructureDefinition/capabilitystatement-websocket', valueUri: wsUrl }]);
    expect(rest?.resource.find((r) => r.type === 'Subscription')?.documentation).toContain('rest-hook, websocket');
  });
});
