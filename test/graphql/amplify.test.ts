// aws-amplify's GraphQL client against the local server, unchanged (issue 4, Proof): queries and
// mutations over HTTP with the AppSync-style bare-JWT Authorization header, and a subscription
// over the AppSync real-time protocol that receives a change made over REST.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Amplify } from 'aws-amplify';
import { generateClient } from 'aws-amplify/api';
import WebSocket from 'ws';
import { startLocalServer, type RunningServer } from '../../local/start';
import { attachGraphqlWebSocket, type GraphqlWebSocket } from '../../resolvers/subscriptions/websocket';
import { parseLocalConfig } from '../../wiring/config';

/**
 * Amplify always derives a wss:// real-time URL; the local server speaks plain ws:// (no TLS),
 * so the WebSocket constructor Amplify finds maps the scheme. The protocol is Amplify's own.
 */
class LocalWebSocket extends WebSocket {
  constructor(url: string | URL, protocols?: string | string[]) {
    super(String(url).replace(/^wss:/, 'ws:'), protocols);
  }
}

/**
 * Amplify arms a 15 s connection-init timer it never clears; unref'd, it no longer keeps the
 * test process alive after the suite (timers behave the same otherwise).
 */
const originalSetTimeout = globalThis.setTimeout;
function unrefSetTimeout(...args: Parameters<typeof setTimeout>): ReturnType<typeof setTimeout> {
  const timer = originalSetTimeout(...args);
  timer.unref();
  return timer;
}

let running: RunningServer;
let sockets: GraphqlWebSocket;
let dataDir: string;
let token: string;
let listenerAdded: (() => void) | undefined;
const originalWebSocket = (globalThis as { WebSocket?: unknown }).WebSocket;

interface Observable<T> {
  subscribe(observer: { next: (value: T) => void; error: (error: unknown) => void }): { unsubscribe(): void };
}

beforeAll(async () => {
  (globalThis as { WebSocket?: unknown }).WebSocket = LocalWebSocket;
  globalThis.setTimeout = Object.assign(unrefSetTimeout, { __promisify__: originalSetTimeout.__promisify__ });
  dataDir = mkdtempSync(join(tmpdir(), 'fhir-graphql-amplify-'));
  running = await startLocalServer(parseLocalConfig({ PORT: '0', HOST: '127.0.0.1', FHIR_AUTH_MODE: 'cognito', LOG_LEVEL: 'silent', FHIR_DATA_DIR: dataDir }), { inMemory: true });
  sockets = attachGraphqlWebSocket(running.server, () => running.app);
  const issuer = running.app.devIssuer;
  if (!issuer) throw new Error('no dev issuer');
  token = issuer.mint({ subject: 'doc', groups: ['practitioner'] });
  const feed = running.app.changeFeed;
  const subscribe = feed.subscribe.bind(feed);
  feed.subscribe = (listener) => {
    const unsubscribe = subscribe(listener);
    listenerAdded?.();
    return unsubscribe;
  };
  // Lambda auth mode sends the token as the Authorization header, as a Cognito ID token would be sent.
  Amplify.configure({ API: { GraphQL: { endpoint: `http://127.0.0.1:${running.port}/graphql`, region: 'eu-west-1', defaultAuthMode: 'lambda' } } });
});
afterAll(async () => {
  await sockets.close();
  await running.close();
  rmSync(dataDir, { recursive: true, force: true });
  (globalThis as { WebSocket?: unknown }).WebSocket = originalWebSocket;
  globalThis.setTimeout = originalSetTimeout;
});

test('Amplify creates and reads a patient over HTTP', async () => {
  const client = generateClient();

  const created = (await client.graphql({ query: 'mutation ($res: AWSJSON!) { PatientCreate(res: $res) { id } }', variables: { res: JSON.stringify({ resourceType: 'Patient', name: [{ family: 'Amplify' }] }) }, authToken: token })) as { data: { PatientCreate: { id: string } } };
  const read = (await client.graphql({ query: 'query ($id: ID!) { Patient(id: $id) { name { family } } }', variables: { id: created.data.PatientCreate.id }, authToken: token })) as { data: { Patient: { name: { family: string }[] } } };

  expect(read.data.Patient.name[0]?.family).toBe('Amplify');
});

test('an Amplify subscription receives a change made over REST', async () => {
  const client = generateClient();
  const listening = new Promise<void>((resolve) => (listenerAdded = resolve));
  const observable = client.graphql({ query: 'subscription { onResourceChange(resourceType: "Patient") { action resourceType id } }', authToken: token }) as unknown as Observable<{ data: { onResourceChange: { action: string; id: string } } }>;
  let subscription: { unsubscribe(): void } | undefined;
  const event = new Promise<{ action: string; id: string }>((resolve, reject) => {
    subscription = observable.subscribe({ next: (value) => resolve(value.data.onResourceChange), error: reject });
  });
  await listening;

  const response = await fetch(`http://127.0.0.1:${running.port}/fhir/Patient`, { method: 'POST', headers: { 'content-type': 'application/fhir+json', authorization: `Bearer ${token}` }, body: JSON.stringify({ resourceType: 'Patient' }) });
  const created = (await response.json()) as { id: string };
  const received = await event;
  subscription?.unsubscribe();

  expect(received).toEqual({ action: 'create', resourceType: 'Patient', id: created.id });
});
