// Subscriptions on the real local server (issue 4, Proof): a change made over REST arrives on a
// GraphQL subscription, through the graphql-ws client and through AppSync's real-time protocol.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { startLocalServer, type RunningServer } from '../../local/start';
import { attachGraphqlWebSocket, type GraphqlWebSocket } from '../../resolvers/subscriptions/websocket';
import { parseLocalConfig } from '../../wiring/config';

let running: RunningServer;
let sockets: GraphqlWebSocket;
let dataDir: string;
let origin: string;
let practitioner: string;
let auditor: string;
let listenerAdded: (() => void) | undefined;

const SUBSCRIPTION = 'subscription ($type: String) { onResourceChange(resourceType: $type) { action resourceType id versionId resource } }';

interface ChangeEvent {
  readonly action: string;
  readonly resourceType: string;
  readonly id: string;
  readonly versionId: string;
  readonly resource: string | null;
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'fhir-graphql-ws-'));
  const config = parseLocalConfig({ PORT: '0', HOST: '127.0.0.1', FHIR_AUTH_MODE: 'cognito', LOG_LEVEL: 'silent', FHIR_DATA_DIR: dataDir });
  running = await startLocalServer(config, { inMemory: true });
  sockets = attachGraphqlWebSocket(running.server, () => running.app, { keepAliveMs: 200 });
  origin = `127.0.0.1:${running.port}`;
  const issuer = running.app.devIssuer;
  if (!issuer) throw new Error('no dev issuer');
  practitioner = issuer.mint({ subject: 'doc', groups: ['practitioner'] });
  auditor = issuer.mint({ subject: 'audit', groups: ['auditor'] });
  // Observe (not replace) the real feed, to know when a subscriber is listening.
  const feed = running.app.changeFeed;
  const subscribe = feed.subscribe.bind(feed);
  feed.subscribe = (listener) => {
    const unsubscribe = subscribe(listener);
    listenerAdded?.();
    return unsubscribe;
  };
});
afterAll(async () => {
  await sockets.close();
  await running.close();
  rmSync(dataDir, { recursive: true, force: true });
});

function nextListener(): Promise<void> {
  return new Promise((resolve) => {
    listenerAdded = () => {
      listenerAdded = undefined;
      resolve();
    };
  });
}

async function rest(method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(`http://${origin}/fhir${path}`, {
    method,
    headers: { 'content-type': 'application/fhir+json', authorization: `Bearer ${practitioner}` },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
}

function wsClient(token: string | undefined): Client {
  return createClient({ url: `ws://${origin}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0, lazy: true, connectionParams: token === undefined ? {} : { authorization: `Bearer ${token}` } });
}

describe('graphql-ws protocol', () => {
  test('create, update and delete over REST arrive in order on onResourceChange', async () => {
    const client = wsClient(practitioner);
    const events = client.iterate<{ onResourceChange: ChangeEvent }>({ query: SUBSCRIPTION, variables: { type: 'Patient' } });
    const listening = nextListener();
    const first = events.next();
    await listening;

    const created = await rest('POST', '/Patient', { resourceType: 'Patient', name: [{ family: 'Live' }] });
    const id = String(created['id']);
    await rest('PUT', `/Patient/${id}`, { resourceType: 'Patient', id, name: [{ family: 'Updated' }] });
    await rest('DELETE', `/Patient/${id}`);
    const received = [(await first).value, (await events.next()).value, (await events.next()).value].map((result) => result?.data?.onResourceChange);
    await events.return?.();
    await client.dispose();

    expect(received.map((event) => [event?.action, event?.id, event?.versionId])).toEqual([['create', id, '1'], ['update', id, '2'], ['delete', id, '3']]);
    expect(JSON.parse(received[1]?.resource ?? '{}')).toMatchObject({ resourceType: 'Patient', name: [{ family: 'Updated' }] });
    expect(received[2]?.resource).toBeNull();
  });

  test('a subscriber sees only the types it may read', async () => {
    const client = wsClient(auditor);
    const events = client.iterate<{ onResourceChange: ChangeEvent }>({ query: SUBSCRIPTION, variables: {} });
    const listening = nextListener();
    const first = events.next();
    await listening;

    await rest('POST', '/Observation', { resourceType: 'Observation', status: 'final', code: { text: 'hidden' } });
    const patient = await rest('POST', '/Patient', { resourceType: 'Patient' });
    const event = (await first).value?.data?.onResourceChange;
    await events.return?.();
    await client.dispose();

    expect([event?.resourceType, event?.id]).toEqual(['Patient', patient['id']]);
  });

  test('subscribing to a type the caller may not read is FORBIDDEN', async () => {
    const client = wsClient(auditor);

    const result = await client.iterate({ query: SUBSCRIPTION, variables: { type: 'Observation' } }).next();
    await client.dispose();

    expect(result.value?.errors?.[0]).toMatchObject({ extensions: { code: 'FORBIDDEN', status: 403 } });
  });

  test('a connection without a valid token is closed with 4403', async () => {
    const client = wsClient('not-a-token');

    const failure = await client.iterate({ query: SUBSCRIPTION }).next().then(() => undefined, (error: unknown) => error);
    await client.dispose();

    expect(failure).toMatchObject({ code: 4403 });
  });
});

/** A raw WebSocket client speaking AppSync's real-time protocol, as Amplify does. */
class AppSyncSocket {
  private readonly messages: Record<string, unknown>[] = [];
  private waiter: (() => void) | undefined;
  constructor(readonly socket: WebSocket) {
    socket.on('message', (data: Buffer) => {
      const message = JSON.parse(data.toString('utf8')) as Record<string, unknown>;
      if (message['type'] === 'ka') return;
      this.messages.push(message);
      this.waiter?.();
    });
  }

  static open(url: string, protocols: string[]): Promise<AppSyncSocket> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, protocols);
      socket.once('open', () => resolve(new AppSyncSocket(socket)));
      socket.once('error', reject);
    });
  }

  send(message: Record<string, unknown>): void {
    this.socket.send(JSON.stringify(message));
  }

  async next(): Promise<Record<string, unknown>> {
    while (this.messages.length === 0) await new Promise<void>((resolve) => (this.waiter = resolve));
    return this.messages.shift() ?? {};
  }

  close(): void {
    this.socket.close();
  }
}

function encodeHeader(token: string): Record<string, string> {
  return { host: origin, Authorization: token };
}

describe('AppSync real-time protocol', () => {
  const start = (id: string, token: string): Record<string, unknown> => ({
    id,
    type: 'start',
    payload: { data: JSON.stringify({ query: SUBSCRIPTION, variables: { type: 'Patient' } }), extensions: { authorization: encodeHeader(token) } },
  });

  test('connection_init, start, data after a REST write, stop and complete (header query parameter)', async () => {
    const header = Buffer.from(JSON.stringify(encodeHeader(practitioner))).toString('base64');
    const socket = await AppSyncSocket.open(`ws://${origin}/graphql/realtime?header=${header}&payload=e30=`, ['graphql-ws']);

    socket.send({ type: 'connection_init' });
    const ack = await socket.next();
    const listening = nextListener();
    socket.send(start('sub-1', practitioner));
    const started = await socket.next();
    await listening;
    const created = await rest('POST', '/Patient', { resourceType: 'Patient', name: [{ family: 'AppSync' }] });
    const data = await socket.next();
    socket.send({ type: 'stop', id: 'sub-1' });
    const complete = await socket.next();
    socket.close();

    expect(ack).toEqual({ type: 'connection_ack', payload: { connectionTimeoutMs: 300000 } });
    expect(started).toEqual({ type: 'start_ack', id: 'sub-1' });
    expect(data).toMatchObject({ type: 'data', id: 'sub-1', payload: { data: { onResourceChange: { action: 'create', resourceType: 'Patient', id: created['id'], versionId: '1' } } } });
    expect(complete).toEqual({ type: 'complete', id: 'sub-1' });
  });

  test('the header subprotocol authenticates too', async () => {
    const header = Buffer.from(JSON.stringify(encodeHeader(practitioner))).toString('base64url');
    const socket = await AppSyncSocket.open(`ws://${origin}/graphql/realtime`, ['graphql-ws', `header-${header}`]);

    socket.send({ type: 'connection_init' });
    const ack = await socket.next();
    socket.close();

    expect(ack['type']).toBe('connection_ack');
  });

  test('a bad token gets connection_error with UnauthorizedException', async () => {
    const header = Buffer.from(JSON.stringify(encodeHeader('not-a-token'))).toString('base64');
    const socket = await AppSyncSocket.open(`ws://${origin}/graphql/realtime?header=${header}&payload=e30=`, ['graphql-ws']);

    socket.send({ type: 'connection_init' });
    const error = await socket.next();
    socket.close();

    expect(error).toMatchObject({ type: 'connection_error', payload: { errors: [{ errorType: 'UnauthorizedException', errorCode: 401 }] } });
  });

  test('a start the caller may not read is answered with an error for that id', async () => {
    const header = Buffer.from(JSON.stringify(encodeHeader(auditor))).toString('base64');
    const socket = await AppSyncSocket.open(`ws://${origin}/graphql/realtime?header=${header}&payload=e30=`, ['graphql-ws']);
    socket.send({ type: 'connection_init' });
    await socket.next();

    socket.send({ id: 'obs', type: 'start', payload: { data: JSON.stringify({ query: SUBSCRIPTION, variables: { type: 'Observation' } }), extensions: { authorization: encodeHeader(auditor) } } });
    const error = await socket.next();
    socket.close();

    expect(error).toMatchObject({ type: 'error', id: 'obs', payload: { errors: [{ errorType: 'FORBIDDEN' }] } });
  });
});
