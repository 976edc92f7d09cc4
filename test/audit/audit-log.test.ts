// The security audit log on the real local server (issue 13): one JSON line per REST request,
// GraphQL root field and WebSocket subscription start, with who/how/what/when/where, and never
// the token or resource content.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import type { AuditRecord } from '../../core/ports/audit-sink';
import { attachGraphqlWebSocket, type GraphqlWebSocket } from '../../resolvers/subscriptions/websocket';
import { startTestServer, type TestServer } from '../http/local-server';

let server: TestServer;
let sockets: GraphqlWebSocket;
let practitioner: string;
const SECRET_NAME = 'Verysecretfamilyname';

beforeAll(async () => {
  server = await startTestServer({ FHIR_AUTH_MODE: 'cognito' });
  sockets = attachGraphqlWebSocket(server.running.server, () => server.running.app);
  practitioner = server.running.app.devIssuer?.mint({ subject: 'doc-1', groups: ['practitioner'] }) ?? '';
});
afterAll(async () => {
  await sockets.close();
  await server.stop();
});

const auth = (token = practitioner): Record<string, string> => ({ authorization: `Bearer ${token}`, 'user-agent': 'audit-test/1.0' });

async function records(): Promise<AuditRecord[]> {
  await server.running.app.audit?.flush();
  const text = readFileSync(join(server.dataDir, 'audit', 'audit.jsonl'), 'utf8');
  return text.split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as AuditRecord);
}

async function recordsFor(correlationId: string): Promise<AuditRecord[]> {
  return (await records()).filter((r) => r.correlationId === correlationId);
}

describe('REST', () => {
  it('records a create with who, how, what, when and where, and never the content or the token', async () => {
    const res = await server.request('/Patient', { method: 'POST', body: { resourceType: 'Patient', name: [{ family: SECRET_NAME }] }, headers: { ...auth(), 'x-request-id': 'rest-create-1' } });
    expect(res.status).toBe(201);
    const [record] = await recordsFor('rest-create-1');
    expect(record).toMatchObject({
      outcome: 'success',
      who: { subject: 'doc-1', username: 'doc-1', groups: ['practitioner'], tenant: 'default', clientId: expect.any(String) as string },
      how: { interaction: 'create', method: 'POST', transport: 'rest' },
      what: { resourceType: 'Patient', id: res.json['id'], versionId: '1', status: 201 },
      where: { sourceIp: '127.0.0.1', userAgent: 'audit-test/1.0' },
    });
    expect(Date.parse(record?.time ?? '')).toBeGreaterThan(Date.now() - 60000);
    const file = readFileSync(join(server.dataDir, 'audit', 'audit.jsonl'), 'utf8');
    expect(file).not.toContain(SECRET_NAME);
    expect(file).not.toContain(practitioner);
    expect(file).not.toContain(practitioner.split('.')[2] ?? 'no-signature');
  });

  it('records a search with its query and result count', async () => {
    await server.request('/Patient?gender=unknown&_count=5', { headers: { ...auth(), 'x-request-id': 'rest-search-1' } });
    const [record] = await recordsFor('rest-search-1');
    expect(record?.how.interaction).toBe('search-type');
    expect(record?.what).toMatchObject({ resourceType: 'Patient', query: 'gender=unknown&_count=5', resultCount: 0, status: 200 });
  });

  it('records a read, a refused request (403) and an unauthenticated one (401)', async () => {
    const created = await server.request('/Patient', { method: 'POST', body: { resourceType: 'Patient' }, headers: auth() });
    const id = String(created.json['id']);
    await server.request(`/Patient/${id}`, { headers: { ...auth(), 'x-request-id': 'rest-read-1' } });
    const auditor = server.running.app.devIssuer?.mint({ subject: 'aud-1', groups: ['auditor'] }) ?? '';
    await server.request('/Observation', { headers: { ...auth(auditor), 'x-request-id': 'rest-403-1' } });
    await server.request(`/Patient/${id}?access_token=leaky`, { headers: { 'x-request-id': 'rest-401-1' } });
    const [read] = await recordsFor('rest-read-1');
    expect(read).toMatchObject({ outcome: 'success', how: { interaction: 'read' }, what: { resourceType: 'Patient', id, versionId: '1', status: 200 } });
    const [refused] = await recordsFor('rest-403-1');
    expect(refused).toMatchObject({ outcome: 'failure', who: { subject: 'aud-1', groups: ['auditor'] }, how: { interaction: 'search-type' }, what: { resourceType: 'Observation', status: 403 } });
    const [anonymous] = await recordsFor('rest-401-1');
    expect(anonymous).toMatchObject({ outcome: 'failure', how: { interaction: 'read' }, what: { resourceType: 'Patient', id, status: 401 } });
    expect(anonymous?.who.subject).toBeUndefined();
    expect(JSON.stringify(anonymous)).not.toContain('leaky');
  });

  it('records a transaction as one request', async () => {
    const bundle = { resourceType: 'Bundle', type: 'transaction', entry: [{ resource: { resourceType: 'Patient', name: [{ family: SECRET_NAME }] }, request: { method: 'POST', url: 'Patient' } }] };
    await server.request('/', { method: 'POST', body: bundle, headers: { ...auth(), 'x-request-id': 'rest-tx-1' } });
    const list = await recordsFor('rest-tx-1');
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ how: { interaction: 'transaction' }, what: { resultCount: 1, status: 200 } });
  });
});

describe('GraphQL', () => {
  it('records each root field', async () => {
    const query = '{ PatientList(gender: "unknown") { id } missing: Patient(id: "does-not-exist") { id } }';
    const res = await fetch(`http://127.0.0.1:${server.running.port}/graphql`, { method: 'POST', headers: { ...auth(), 'content-type': 'application/json', 'x-request-id': 'gql-1' }, body: JSON.stringify({ query }) });
    expect(res.status).toBe(200);
    const list = await recordsFor('gql-1');
    expect(list.map((r) => r.how.operation).sort()).toEqual(['Patient', 'PatientList']);
    expect(list.find((r) => r.how.operation === 'PatientList')).toMatchObject({ outcome: 'success', how: { interaction: 'search-type', transport: 'graphql' }, what: { resourceType: 'Patient', query: 'gender=unknown', resultCount: 0, status: 200 }, where: { sourceIp: '127.0.0.1' } });
    expect(list.find((r) => r.how.operation === 'Patient')).toMatchObject({ outcome: 'failure', how: { interaction: 'read' }, what: { id: 'does-not-exist', status: 404 } });
  });
});

describe('WebSocket', () => {
  it('records a subscription start', async () => {
    const client = createClient({ url: `ws://127.0.0.1:${server.running.port}/graphql`, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${practitioner}` }, lazy: true });
    const before = (await records()).length;
    await new Promise<void>((resolve, reject) => {
      const stop = client.subscribe({ query: 'subscription { onResourceChange(resourceType: "Patient") { id } }' }, { next: () => undefined, error: reject, complete: () => undefined });
      const poll = setInterval(() => {
        void records().then((all) => {
          if (all.slice(before).some((r) => r.how.transport === 'websocket')) {
            clearInterval(poll);
            stop();
            resolve();
          }
        });
      }, 20);
    });
    await client.dispose();
    const started = (await records()).slice(before).find((r) => r.how.transport === 'websocket');
    expect(started).toMatchObject({ outcome: 'success', who: { subject: 'doc-1' }, how: { interaction: 'subscribe', operation: 'onResourceChange' }, what: { resourceType: 'Patient', status: 200 } });
  });
});

describe('rotation', () => {
  it('rotates the file by size and keeps the configured number of files', async () => {
    const small = await startTestServer({ FHIR_AUDIT_LOG_MAX_BYTES: '2000', FHIR_AUDIT_LOG_MAX_FILES: '2' });
    try {
      for (let i = 0; i < 30; i++) {
        await small.request('/Patient?gender=unknown');
        await small.running.app.audit?.flush();
      }
      const files = readdirSync(join(small.dataDir, 'audit')).sort();
      expect(files).toEqual(['audit.jsonl', 'audit.jsonl.1', 'audit.jsonl.2']);
      for (const file of files) expect(readFileSync(join(small.dataDir, 'audit', file)).length).toBeLessThanOrEqual(2000);
    } finally {
      await small.stop();
    }
  });
});

describe('AuditEvent resources', () => {
  it('are written when enabled and searchable by the auditor role ("who read Patient X")', async () => {
    const events = await startTestServer({ FHIR_AUTH_MODE: 'cognito', FHIR_AUDIT_EVENTS: 'true' });
    try {
      const doc = events.running.app.devIssuer?.mint({ subject: 'doc-2', groups: ['practitioner'] }) ?? '';
      const auditor = events.running.app.devIssuer?.mint({ subject: 'aud-2', groups: ['auditor'] }) ?? '';
      const created = await events.request('/Patient', { method: 'POST', body: { resourceType: 'Patient', name: [{ family: SECRET_NAME }] }, headers: { authorization: `Bearer ${doc}` } });
      const id = String(created.json['id']);
      await events.request(`/Patient/${id}`, { headers: { authorization: `Bearer ${doc}` } });
      await events.running.app.audit?.flush();
      const found = await events.request(`/AuditEvent?entity=Patient/${id}&action=R`, { headers: { authorization: `Bearer ${auditor}` } });
      expect(found.status).toBe(200);
      const resources = (found.json['entry'] as { resource: Record<string, unknown> }[]).map((e) => e.resource);
      expect(resources).toHaveLength(1);
      expect(resources[0]).toMatchObject({
        type: { code: 'rest' },
        subtype: [{ system: 'http://hl7.org/fhir/restful-interaction', code: 'read' }],
        action: 'R',
        outcome: '0',
        agent: [
          expect.objectContaining({ who: expect.objectContaining({ identifier: { system: 'urn:fhir-gateway:subject', value: 'doc-2' } }) as unknown, requestor: true }),
          expect.objectContaining({ who: { identifier: { system: 'urn:fhir-gateway:client-id', value: expect.any(String) as string } }, requestor: false }),
        ],
        entity: [expect.objectContaining({ what: { reference: `Patient/${id}/_history/1` } })],
      });
      expect(JSON.stringify(found.json)).not.toContain(SECRET_NAME);
      const financial = events.running.app.devIssuer?.mint({ subject: 'fin', groups: ['non-practitioner'] }) ?? '';
      expect((await events.request('/AuditEvent', { headers: { authorization: `Bearer ${financial}` } })).status).toBe(403);
    } finally {
      await events.stop();
    }
  });
});
