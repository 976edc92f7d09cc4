// Multi-tenancy through GraphQL (DESIGN.md: Auth, "nor anything from another tenant"): the URL's
// tenant must be the token's, data never crosses tenants, nor do subscription events.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { startLocalServer, type RunningServer } from '../../local/start';
import { attachGraphqlWebSocket, type GraphqlWebSocket } from '../../resolvers/subscriptions/websocket';
import { parseLocalConfig } from '../../wiring/config';

let running: RunningServer;
let sockets: GraphqlWebSocket;
let dataDir: string;
let origin: string;
let tokenA: string;
let tokenB: string;
let listenerAdded: (() => void) | undefined;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'fhir-graphql-tenancy-'));
  const config = parseLocalConfig({ PORT: '0', HOST: '127.0.0.1', FHIR_AUTH_MODE: 'cognito', FHIR_MULTI_TENANCY: 'true', LOG_LEVEL: 'silent', FHIR_DATA_DIR: dataDir });
  running = await startLocalServer(config, { inMemory: true });
  sockets = attachGraphqlWebSocket(running.server, () => running.app);
  origin = `127.0.0.1:${running.port}`;
  const issuer = running.app.devIssuer;
  if (!issuer) throw new Error('no dev issuer');
  tokenA = issuer.mint({ subject: 'a', groups: ['practitioner'], tenant: 'clinic-a' });
  tokenB = issuer.mint({ subject: 'b', groups: ['practitioner'], tenant: 'clinic-b' });
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

async function graphql(tenant: string, token: string, query: string, variables: Record<string, unknown> = {}): Promise<{ status: number; body: { data?: Record<string, unknown> | null; errors?: { extensions?: Record<string, unknown> }[] } }> {
  const response = await fetch(`http://${origin}/fhir/tenant/${tenant}/$graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query, variables }) });
  return { status: response.status, body: (await response.json()) as { data?: Record<string, unknown> | null; errors?: { extensions?: Record<string, unknown> }[] } };
}

async function createIn(tenant: string, token: string, family: string): Promise<string> {
  const result = await graphql(tenant, token, 'mutation ($res: AWSJSON!) { PatientCreate(res: $res) { id } }', { res: JSON.stringify({ resourceType: 'Patient', name: [{ family }] }) });
  return (result.body.data?.['PatientCreate'] as { id: string }).id;
}

test('a token of one tenant is refused at another tenant\'s $graphql', async () => {
  const result = await graphql('clinic-b', tokenA, '{ PatientList { id } }');

  expect(result.status).toBe(403);
  expect(result.body.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN' });
});

test('a resource of one tenant is not found from another', async () => {
  const id = await createIn('clinic-a', tokenA, 'OnlyInA');

  const fromB = await graphql('clinic-b', tokenB, 'query ($id: ID!) { Patient(id: $id) { id } }', { id });
  const fromA = await graphql('clinic-a', tokenA, 'query ($id: ID!) { Patient(id: $id) { name { family } } }', { id });

  expect(fromB.body.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND' });
  expect(fromA.body.data).toEqual({ Patient: { name: [{ family: 'OnlyInA' }] } });
});

test('/graphql without a tenant explains where to go', async () => {
  const response = await fetch(`http://${origin}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${tokenA}` }, body: JSON.stringify({ query: '{ PatientList { id } }' }) });

  expect(response.status).toBe(404);
  expect(((await response.json()) as { errors: { message: string }[] }).errors[0]?.message).toContain('/fhir/tenant/<tenantId>/$graphql');
});

test('a subscriber receives its own tenant\'s changes only', async () => {
  const client = createClient({ url: `ws://${origin}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0, lazy: true, connectionParams: { authorization: `Bearer ${tokenA}` } });
  const events = client.iterate<{ onResourceChange: { tenant: string; id: string } }>({ query: 'subscription { onResourceChange { tenant id } }' });
  const listening = new Promise<void>((resolve) => (listenerAdded = resolve));
  const first = events.next();
  await listening;

  await createIn('clinic-b', tokenB, 'InB');
  const inA = await createIn('clinic-a', tokenA, 'InA');
  const event = (await first).value?.data?.onResourceChange;
  await events.return?.();
  await client.dispose();

  expect(event).toEqual({ tenant: 'clinic-a', id: inA });
});

test('subscribing to another tenant is FORBIDDEN', async () => {
  const client = createClient({ url: `ws://${origin}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0, lazy: true, connectionParams: { authorization: `Bearer ${tokenA}` } });

  const result = await client.iterate({ query: 'subscription { onResourceChange(tenant: "clinic-b") { id } }' }).next();
  await client.dispose();

  expect(result.value?.errors?.[0]).toMatchObject({ extensions: { code: 'FORBIDDEN' } });
});
