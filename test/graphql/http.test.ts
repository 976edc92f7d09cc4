// GraphQL over HTTP on the real local server (issue 4, Proof: Apollo Client for queries and
// mutations), with FHIR's $graphql endpoints and the dev issuer's Cognito-shaped tokens.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApolloClient, HttpLink, InMemoryCache, gql } from '@apollo/client/core';
import { startLocalServer, type RunningServer } from '../../local/start';
import { parseLocalConfig } from '../../wiring/config';

let running: RunningServer;
let dataDir: string;
let origin: string;
let token: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'fhir-graphql-http-'));
  const config = parseLocalConfig({ PORT: '0', HOST: '127.0.0.1', FHIR_AUTH_MODE: 'cognito', LOG_LEVEL: 'silent', FHIR_DATA_DIR: dataDir });
  running = await startLocalServer(config, { inMemory: true });
  origin = `http://127.0.0.1:${running.port}`;
  const issuer = running.app.devIssuer;
  if (!issuer) throw new Error('no dev issuer');
  token = issuer.mint({ subject: 'doc', groups: ['practitioner'] });
});
afterAll(async () => {
  await running.close();
  rmSync(dataDir, { recursive: true, force: true });
});

function apollo(): ApolloClient<unknown> {
  return new ApolloClient({
    link: new HttpLink({ uri: `${origin}/graphql`, fetch, headers: { authorization: `Bearer ${token}` } }),
    cache: new InMemoryCache({ possibleTypes: { Resource: ['Patient', 'Practitioner', 'Observation'] } }),
  });
}

async function post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${origin}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...headers }, body: JSON.stringify(body) });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

async function createPatient(family: string): Promise<string> {
  const result = await post('/graphql', { query: 'mutation ($res: AWSJSON!) { PatientCreate(res: $res) { id } }', variables: { res: JSON.stringify({ resourceType: 'Patient', name: [{ family }] }) } });
  return ((result.json['data'] as Record<string, { id: string }>)['PatientCreate'] ?? { id: '' }).id;
}

test('Apollo Client creates a patient and reads it back with its practitioner', async () => {
  const client = apollo();
  const practitioner = await client.mutate<{ PractitionerCreate: { id: string } }>({
    mutation: gql`mutation ($res: AWSJSON!) { PractitionerCreate(res: $res) { id } }`,
    variables: { res: JSON.stringify({ resourceType: 'Practitioner', name: [{ family: 'Grey' }] }) },
  });
  const created = await client.mutate<{ PatientCreate: { id: string } }>({
    mutation: gql`mutation ($res: AWSJSON!) { PatientCreate(res: $res) { id } }`,
    variables: { res: JSON.stringify({ resourceType: 'Patient', name: [{ family: 'Apollo' }], generalPractitioner: [{ reference: `Practitioner/${practitioner.data?.PractitionerCreate.id ?? ''}` }] }) },
  });

  const read = await client.query<{ Patient: { name: { family: string }[]; generalPractitioner: { resource: { name: { family: string }[] } }[] } }>({
    query: gql`query ($id: ID!) { Patient(id: $id) { id name { family } generalPractitioner { resource { ... on Practitioner { id name { family } } } } } }`,
    variables: { id: created.data?.PatientCreate.id },
  });

  expect(read.data.Patient.name[0]?.family).toBe('Apollo');
  expect(read.data.Patient.generalPractitioner[0]?.resource.name[0]?.family).toBe('Grey');
});

test('[base]/$graphql answers like /graphql', async () => {
  const id = await createPatient('SystemLevel');

  const result = await post('/fhir/$graphql', { query: `{ Patient(id: "${id}") { name { family } } }` });

  expect(result).toEqual({ status: 200, json: { data: { Patient: { name: [{ family: 'SystemLevel' }] } } } });
});

test('[base]/Patient/id/$graphql runs the query on that patient', async () => {
  const id = await createPatient('InstanceLevel');

  const response = await fetch(`${origin}/fhir/Patient/${id}/$graphql?query=${encodeURIComponent('{ id name { family } }')}`, { headers: { authorization: `Bearer ${token}` } });

  expect(response.status).toBe(200);
  expect(await response.json()).toEqual({ data: { id, name: [{ family: 'InstanceLevel' }] } });
});

test('instance-level $graphql on an unknown id reports NOT_FOUND', async () => {
  const response = await fetch(`${origin}/fhir/Patient/nobody/$graphql?query=${encodeURIComponent('{ id }')}`, { headers: { authorization: `Bearer ${token}` } });

  expect(((await response.json()) as { errors: { extensions: { code: string } }[] }).errors[0]?.extensions.code).toBe('NOT_FOUND');
});

test('a request without a token is 401 with an OperationOutcome', async () => {
  const response = await fetch(`${origin}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ Patient(id: "1") { id } }' }) });

  const body = (await response.json()) as { errors: { extensions: { code: string; operationOutcome: { resourceType: string } } }[] };
  expect(response.status).toBe(401);
  expect(body.errors[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', operationOutcome: { resourceType: 'OperationOutcome' } });
});

test('a mutation over GET is refused with 405', async () => {
  const query = encodeURIComponent('mutation { PatientDelete(id: "x") { id } }');

  const response = await fetch(`${origin}/graphql?query=${query}`, { headers: { authorization: `Bearer ${token}` } });

  expect(response.status).toBe(405);
});

test('a body that is not JSON is 400', async () => {
  const response = await fetch(`${origin}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: '{"query": ' });

  expect(response.status).toBe(400);
});

test('a browser gets the GraphiQL page at /graphql', async () => {
  const response = await fetch(`${origin}/graphql`, { headers: { accept: 'text/html,application/xhtml+xml' } });

  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('text/html');
  expect(await response.text()).toContain('src="/console/graphiql.js"');
});
