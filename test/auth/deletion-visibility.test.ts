// Deletions carry no content, so only a caller who reads every resource of the type may learn of
// them; and a history total may not count versions the caller cannot see. Both were leaks the
// authorization fuzzer found (test/reliability/authz-fuzz.test.ts, issue 16): a caller limited to
// one Patient's compartment, or to financial resources, saw the ids of every deleted resource of
// the tenant in `_history`, and its GraphQL subscription got their delete events.
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { attachGraphqlWebSocket, type GraphqlWebSocket } from '../../resolvers/subscriptions/websocket';
import { startTestServer, type TestServer } from '../http/local-server';

type Entry = { fullUrl?: string; request?: { method?: string } };

function deletions(body: Record<string, unknown>): string[] {
  return ((body['entry'] ?? []) as Entry[]).filter((e) => e.request?.method === 'DELETE').map((e) => String(e.fullUrl).split('/').slice(-2).join('/'));
}

describe('SMART mode', () => {
  let server: TestServer;
  let sockets: GraphqlWebSocket;
  let admin: Record<string, string>;
  let patientOne: Record<string, string>;
  let patientOneToken: string;

  beforeAll(async () => {
    server = await startTestServer({ FHIR_AUTH_MODE: 'smart' });
    sockets = attachGraphqlWebSocket(server.running.server, () => server.running.app);
    const issuer = server.running.app.devIssuer;
    if (issuer === undefined) throw new Error('no dev issuer');
    admin = { authorization: `Bearer ${issuer.mint({ scopes: ['system/*.*'] })}` };
    patientOneToken = issuer.mint({ scopes: ['patient/*.rs'], patient: 'p1' });
    patientOne = { authorization: `Bearer ${patientOneToken}` };
    for (const id of ['p1', 'p2']) await server.request(`/Patient/${id}`, { method: 'PUT', body: { resourceType: 'Patient', id }, headers: admin });
  });
  afterAll(async () => {
    await sockets.close();
    await server.stop();
  });

  async function observation(id: string, patient: string): Promise<void> {
    const res = await server.request(`/Observation/${id}`, { method: 'PUT', headers: admin, body: { resourceType: 'Observation', id, status: 'final', code: { text: 'x' }, subject: { reference: `Patient/${patient}` } } });
    expect(res.status).toBe(201);
  }

  test('a compartment-limited caller sees no deletion of another Patient\'s resource in history, and no total', async () => {
    await observation('gone-p2', 'p2');
    await server.request('/Observation/gone-p2', { method: 'DELETE', headers: admin });

    const typeHistory = await server.request('/Observation/_history', { headers: patientOne });
    const systemHistory = await server.request('/_history', { headers: patientOne });
    const adminHistory = await server.request('/Observation/_history', { headers: admin });

    expect([typeHistory.status, deletions(typeHistory.json), typeHistory.json['total']]).toEqual([200, [], undefined]);
    expect([systemHistory.status, deletions(systemHistory.json), systemHistory.json['total']]).toEqual([200, [], undefined]);
    expect(deletions(adminHistory.json)).toContain('Observation/gone-p2');
    expect(adminHistory.json['total']).toEqual(expect.any(Number));
  });

  test('a compartment-limited subscriber gets no delete event of another Patient\'s resource', async () => {
    await observation('gone-live-p2', 'p2');
    const client = createClient({ url: `ws://127.0.0.1:${server.running.port}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0, connectionParams: { authorization: `Bearer ${patientOneToken}` } });
    const events = client.iterate<{ onResourceChange: { action: string; id: string } }>({ query: 'subscription { onResourceChange(resourceType: "Observation") { action id } }' });
    // Observe (not replace) the real feed, to know when the subscriber is listening.
    const feed = server.running.app.changeFeed;
    const subscribe = feed.subscribe.bind(feed);
    const listening = new Promise<void>((resolve) => {
      feed.subscribe = (listener) => {
        const unsubscribe = subscribe(listener);
        feed.subscribe = subscribe;
        resolve();
        return unsubscribe;
      };
    });
    const first = events.next();
    await listening;

    await server.request('/Observation/gone-live-p2', { method: 'DELETE', headers: admin });
    await observation('seen-p1', 'p1');
    const event = (await first).value?.data?.onResourceChange;
    await events.return?.();
    await client.dispose();

    expect(event).toEqual({ action: 'create', id: 'seen-p1' });
  });
});

describe('Cognito-group mode', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ FHIR_AUTH_MODE: 'cognito' });
  });
  afterAll(() => server.stop());

  test('a non-practitioner (financial resources only) sees no deletion of a Patient in the system history', async () => {
    const issuer = server.running.app.devIssuer;
    if (issuer === undefined) throw new Error('no dev issuer');
    const admin = { authorization: `Bearer ${issuer.mint({ groups: ['practitioner'] })}` };
    const financial = { authorization: `Bearer ${issuer.mint({ groups: ['non-practitioner'] })}` };
    await server.request('/Patient/gone', { method: 'PUT', body: { resourceType: 'Patient', id: 'gone' }, headers: admin });
    await server.request('/Patient/gone', { method: 'DELETE', headers: admin });

    const history = await server.request('/_history', { headers: financial });

    expect([history.status, deletions(history.json), history.json['total']]).toEqual([200, [], undefined]);
  });
});
