// Every limit of issue 16 ("Limits, each with a clear error") on the real local server, in one
// place: body size, Bundle entries, _count, GraphQL depth and cost, WebSocket connections and
// subscriptions per connection, header size and URL length. Each answer is an OperationOutcome
// (or the protocol's own error shape on a WebSocket) that names the limit.
import { connect } from 'node:net';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { attachFhirWebSocket, type FhirWebSocket } from '../../local/fhir-websocket';
import { attachGraphqlWebSocket, type GraphqlWebSocket } from '../../resolvers/subscriptions/websocket';
import { startTestServer, type TestServer } from '../http/local-server';

const LIMITS = {
  FHIR_MAX_BODY_BYTES: '20000',
  FHIR_MAX_BUNDLE_ENTRIES: '5',
  FHIR_MAX_PAGE_SIZE: '3',
  FHIR_MAX_HEADER_BYTES: '4096',
  FHIR_MAX_URL_LENGTH: '600',
  FHIR_MAX_WEBSOCKET_CONNECTIONS: '3',
  FHIR_MAX_SUBSCRIPTIONS_PER_CONNECTION: '2',
};

let server: TestServer;
let graphqlSockets: GraphqlWebSocket;
let fhirSockets: FhirWebSocket;
let origin: string;
let token: string;

beforeAll(async () => {
  server = await startTestServer({ ...LIMITS, FHIR_AUTH_MODE: 'cognito' });
  graphqlSockets = attachGraphqlWebSocket(server.running.server, () => server.running.app, { keepAliveMs: 60_000 });
  fhirSockets = attachFhirWebSocket(server.running.server, () => server.running.app);
  origin = `127.0.0.1:${server.running.port}`;
  token = server.running.app.devIssuer?.mint({ subject: 'limits', groups: ['practitioner'] }) ?? '';
});
afterAll(async () => {
  await graphqlSockets.close();
  await fhirSockets.close();
  await server.stop();
});

const auth = (): Record<string, string> => ({ authorization: `Bearer ${token}` });

interface Outcome {
  readonly resourceType?: string;
  readonly issue?: readonly { severity: string; code: string; diagnostics?: string; expression?: readonly string[] }[];
}

function expectOutcome(json: unknown, mentions: RegExp): Outcome {
  const outcome = json as Outcome;
  expect(outcome.resourceType).toBe('OperationOutcome');
  expect(outcome.issue?.[0]?.severity).toBe('error');
  expect(outcome.issue?.map((issue) => issue.diagnostics ?? '').join(' ')).toMatch(mentions);
  return outcome;
}

/** One raw HTTP/1.1 exchange; client libraries refuse to send what these tests need. */
function rawExchange(request: string): Promise<{ status: number; headers: string; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(server.running.port, '127.0.0.1', () => socket.write(request));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const split = text.indexOf('\r\n\r\n');
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0), headers: text.slice(0, split), body: text.slice(split + 4) });
    });
    setTimeout(() => socket.destroy(), 5000).unref();
  });
}

describe('HTTP limits', () => {
  it('body size: 413 naming the limit', async () => {
    const response = await server.request('/Patient', { method: 'POST', body: { resourceType: 'Patient', name: [{ text: 'x'.repeat(30_000) }] }, headers: auth() });
    expect(response.status).toBe(413);
    expectOutcome(response.json, /larger than 20000 bytes/);
  });

  it('Bundle entries: 400 pointing at Bundle.entry, nothing written', async () => {
    const entry = (i: number): unknown => ({ resource: { resourceType: 'Patient', name: [{ family: `Limit${i}` }] }, request: { method: 'POST', url: 'Patient' } });
    const response = await server.request('', { method: 'POST', body: { resourceType: 'Bundle', type: 'transaction', entry: [0, 1, 2, 3, 4, 5].map(entry) }, headers: auth() });
    expect(response.status).toBe(400);
    expect(expectOutcome(response.json, /at most 5/).issue?.[0]?.expression).toEqual(['Bundle.entry']);
    const search = await server.request('/Patient?family=Limit0', { headers: auth() });
    expect((search.json as { total?: number }).total).toBe(0);
  });

  it('_count above the maximum: pages of the maximum, with a next link', async () => {
    for (let i = 0; i < 5; i += 1) await server.request('/Patient', { method: 'POST', body: { resourceType: 'Patient', name: [{ family: 'Paged' }] }, headers: auth() });
    const response = await server.request('/Patient?family=Paged&_count=500', { headers: auth() });
    expect(response.status).toBe(200);
    const bundle = response.json as { entry?: unknown[]; link?: { relation: string; url: string }[] };
    expect(bundle.entry).toHaveLength(3);
    expect(bundle.link?.find((link) => link.relation === 'next')).toBeDefined();
  });

  it('header size: 431 with an OperationOutcome, not an empty answer', async () => {
    const response = await rawExchange(`GET /fhir/metadata HTTP/1.1\r\nHost: ${origin}\r\nX-Big: ${'a'.repeat(8000)}\r\n\r\n`);
    expect(response.status).toBe(431);
    expect(response.headers).toMatch(/content-type: application\/fhir\+json/i);
    expectOutcome(JSON.parse(response.body), /larger than 4096 bytes \(FHIR_MAX_HEADER_BYTES\)/);
  });

  it('URL length: 414 naming POST _search as the way out', async () => {
    const response = await server.request(`/Patient?family=${'b'.repeat(700)}`, { headers: auth() });
    expect(response.status).toBe(414);
    expectOutcome(response.json, /longer than 600 characters.*_search/);
    // The same criteria as a POST body are fine.
    const posted = await fetch(`${server.base}/Patient/_search`, { method: 'POST', headers: { ...auth(), 'content-type': 'application/x-www-form-urlencoded' }, body: `family=${'b'.repeat(700)}` });
    expect(posted.status).toBe(200);
  });

  it('a malformed request line: 400 with an OperationOutcome', async () => {
    const response = await rawExchange('GARBAGE\r\n\r\n');
    expect(response.status).toBe(400);
    expectOutcome(JSON.parse(response.body), /not valid HTTP/);
  });
});

describe('GraphQL limits', () => {
  const post = async (query: string): Promise<{ status: number; json: { errors?: { message: string; extensions?: Record<string, unknown> }[] } }> => {
    const response = await fetch(`http://${origin}/graphql`, { method: 'POST', headers: { ...auth(), 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
    return { status: response.status, json: (await response.json()) as { errors?: { message: string; extensions?: Record<string, unknown> }[] } };
  };

  it('depth: refused before execution with the depth and the limit', async () => {
    let selection = 'id';
    for (let i = 0; i < 5; i += 1) selection = `link { other { resource { ... on Patient { ${selection} } } } }`;
    const response = await post(`{ Patient(id: "x") { ${selection} } }`);
    expect(response.json.errors?.[0]?.message).toMatch(/The query is \d+ levels deep; the limit is 15/);
    expect(response.json.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', status: 400 });
  });

  it('cost: refused before execution with the estimate and the limit', async () => {
    const response = await post('{ PatientList(_count: 1000) { id ResourceList(_type: "Observation", _reference: "subject", _count: 1000) { id } } }');
    expect(response.json.errors?.[0]?.message).toMatch(/may resolve about \d+ fields; the limit is 50000/);
    expect(response.json.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', status: 400 });
  });
});

describe('WebSocket limits', () => {
  const SUBSCRIPTION = 'subscription { onResourceChange(resourceType: "Patient") { id } }';

  function openSocket(path: string, protocol?: string): Promise<WebSocket> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(`ws://${origin}${path}`, protocol === undefined ? [] : [protocol], { headers: auth() });
      socket.once('open', () => resolve(socket));
      socket.once('unexpected-response', (_request, response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => reject(Object.assign(new Error(`HTTP ${response.statusCode ?? 0}`), { status: response.statusCode, retryAfter: response.headers['retry-after'], body: Buffer.concat(chunks).toString('utf8') })));
      });
      socket.once('error', reject);
    });
  }
  const closed = (socket: WebSocket): Promise<void> =>
    new Promise((resolve) => {
      if (socket.readyState === WebSocket.CLOSED) return resolve();
      socket.once('close', () => resolve());
      socket.close();
    });

  it('connections: across both endpoints at most FHIR_MAX_WEBSOCKET_CONNECTIONS, then 503 with Retry-After; a slot frees on close', async () => {
    const open = [await openSocket('/graphql', 'graphql-transport-ws'), await openSocket('/fhir/websocket'), await openSocket('/graphql', 'graphql-ws')];
    try {
      const refused = (await openSocket('/fhir/websocket').then(
        () => undefined,
        (error: unknown) => error,
      )) as { status?: number; retryAfter?: string; body?: string } | undefined;
      expect(refused?.status).toBe(503);
      expect(refused?.retryAfter).toBe('5');
      expectOutcome(JSON.parse(refused?.body ?? '{}'), /limit of 3 WebSocket connections/);
      await closed(open.pop() as WebSocket);
      // The server counts the close when it sees it: poll briefly.
      let again: WebSocket | undefined;
      for (let attempt = 0; attempt < 50 && again === undefined; attempt += 1) {
        again = await openSocket('/graphql', 'graphql-transport-ws').catch(() => undefined);
        if (again === undefined) await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(again).toBeDefined();
      if (again) open.push(again);
    } finally {
      await Promise.all(open.map(closed));
    }
  });

  it('graphql-ws: a third subscription on one connection is refused with TOO_MANY_SUBSCRIPTIONS; the two others keep working', async () => {
    const client = createClient({ url: `ws://${origin}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0, lazy: true, connectionParams: { authorization: `Bearer ${token}` } });
    try {
      const iterators = [client.iterate({ query: SUBSCRIPTION }), client.iterate({ query: SUBSCRIPTION })];
      const firsts = iterators.map((iterator) => iterator.next());
      // Both are registered once a change reaches both.
      const third = client.iterate({ query: SUBSCRIPTION });
      const refused = await third.next().then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(JSON.stringify(refused)).toMatch(/At most 2 subscriptions per connection/);
      expect(JSON.stringify(refused)).toMatch(/TOO_MANY_SUBSCRIPTIONS/);
      await new Promise((resolve) => setTimeout(resolve, 100));
      await server.request('/Patient', { method: 'POST', body: { resourceType: 'Patient', name: [{ family: 'Live' }] }, headers: auth() });
      const events = await Promise.all(firsts);
      for (const event of events) expect(event.done).toBe(false);
      await Promise.all(iterators.map((iterator) => iterator.return?.()));
    } finally {
      await client.dispose();
    }
  });

  it('AppSync protocol: a third start on one connection is refused with MaxSubscriptionsReachedError', async () => {
    const header = Buffer.from(JSON.stringify({ host: origin, Authorization: `Bearer ${token}` })).toString('base64');
    const socket = await openSocketWithQuery(`/graphql/realtime?header=${header}&payload=e30=`);
    const messages: Record<string, unknown>[] = [];
    const waiters: (() => void)[] = [];
    socket.on('message', (data: Buffer) => {
      messages.push(JSON.parse(data.toString('utf8')) as Record<string, unknown>);
      for (const waiter of waiters.splice(0)) waiter();
    });
    const waitFor = async (predicate: (message: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> => {
      for (;;) {
        const found = messages.find(predicate);
        if (found) return found;
        await new Promise<void>((resolve) => waiters.push(resolve));
      }
    };
    try {
      socket.send(JSON.stringify({ type: 'connection_init' }));
      await waitFor((message) => message['type'] === 'connection_ack');
      for (const id of ['s1', 's2', 's3']) socket.send(JSON.stringify({ type: 'start', id, payload: { data: JSON.stringify({ query: SUBSCRIPTION }), extensions: { authorization: { Authorization: `Bearer ${token}`, host: origin } } } }));
      await waitFor((message) => message['type'] === 'start_ack' && message['id'] === 's1');
      await waitFor((message) => message['type'] === 'start_ack' && message['id'] === 's2');
      const error = await waitFor((message) => message['type'] === 'error' && message['id'] === 's3');
      expect(JSON.stringify(error)).toMatch(/MaxSubscriptionsReachedError/);
      // Stopping one frees its place.
      socket.send(JSON.stringify({ type: 'stop', id: 's1' }));
      await waitFor((message) => message['type'] === 'complete' && message['id'] === 's1');
      socket.send(JSON.stringify({ type: 'start', id: 's4', payload: { data: JSON.stringify({ query: SUBSCRIPTION }), extensions: { authorization: { Authorization: `Bearer ${token}`, host: origin } } } }));
      await waitFor((message) => message['type'] === 'start_ack' && message['id'] === 's4');
    } finally {
      await closed(socket);
    }

    function openSocketWithQuery(pathAndQuery: string): Promise<WebSocket> {
      return new Promise((resolve, reject) => {
        const ws = new WebSocket(`ws://${origin}${pathAndQuery}`, ['graphql-ws']);
        ws.once('open', () => resolve(ws));
        ws.once('error', reject);
      });
    }
  });

  it('FHIR websocket channel: a third bind on one socket is refused naming the limit', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      const created = await server.request('/Subscription', {
        method: 'POST',
        headers: auth(),
        body: { resourceType: 'Subscription', status: 'requested', reason: 'limits', criteria: `Patient?family=Bind${i}`, channel: { type: 'websocket' } },
      });
      expect(created.status).toBe(201);
      ids.push(String(created.json['id']));
    }
    const socket = await openSocket('/fhir/websocket');
    const replies: string[] = [];
    socket.on('message', (data: Buffer) => replies.push(data.toString('utf8')));
    try {
      for (const id of ids) socket.send(`bind ${id}`);
      for (let attempt = 0; attempt < 100 && replies.length < 3; attempt += 1) await new Promise((resolve) => setTimeout(resolve, 20));
      // Binds are answered as their reads finish: two are bound, whichever they are, and one refused.
      expect(replies.filter((reply) => reply.startsWith('bound '))).toHaveLength(2);
      const refused = replies.filter((reply) => reply.startsWith('error '));
      expect(refused).toHaveLength(1);
      expect(refused[0]).toMatch(/at most 2 bindings per socket \(FHIR_MAX_SUBSCRIPTIONS_PER_CONNECTION\)/);
    } finally {
      await closed(socket);
    }
  });
});
