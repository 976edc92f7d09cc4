import Client from 'fhir-kit-client';
import { startTestServer, type TestServer } from './local-server';

let server: TestServer;
let client: Client;
beforeAll(async () => {
  server = await startTestServer({ FHIR_AUTH_MODE: 'cognito' });
  client = new Client({ baseUrl: server.base, bearerToken: server.running.app.devIssuer?.mint({ groups: ['practitioner'] }) ?? '' });
});
afterAll(async () => {
  await server.stop();
});

interface PatientLike { resourceType: string; id?: string; meta?: { versionId?: string }; gender?: string }

test('a FHIR client library creates, reads, updates, reads history and deletes', async () => {
  const created = (await client.create({ resourceType: 'Patient', body: { resourceType: 'Patient', gender: 'female' } })) as PatientLike;
  expect(created.id).toBeDefined();
  const id = created.id as string;
  const read = (await client.read({ resourceType: 'Patient', id })) as PatientLike;
  expect(read.gender).toBe('female');
  const updated = (await client.update({ resourceType: 'Patient', id, body: { resourceType: 'Patient', id, gender: 'male' } })) as PatientLike;
  expect(updated.meta?.versionId).toBe('2');
  const history = (await client.history({ resourceType: 'Patient', id })) as unknown as { entry: unknown[] };
  expect(history.entry).toHaveLength(2);
  const v1 = (await client.vread({ resourceType: 'Patient', id, version: '1' })) as PatientLike;
  expect(v1.gender).toBe('female');
  await client.delete({ resourceType: 'Patient', id });
  await expect(client.read({ resourceType: 'Patient', id })).rejects.toMatchObject({ response: { status: 410 } });
});

test('a FHIR client library reads the CapabilityStatement', async () => {
  const statement = (await client.capabilityStatement()) as unknown as { fhirVersion: string };
  expect(statement.fhirVersion).toBe('4.0.1');
});
