// `npm run start:aws` (issue 9, "Both homes over HTTP") as a user runs it, over moto and
// OpenSearch: plain HTTP requests become API Gateway proxy events for the REST Lambda handler,
// GraphQL POSTs become AppSync resolver events for the GraphQL Lambda handler (and the answer
// takes AppSync's shape: aliases applied, unselected fields dropped, errorType/errorInfo), and
// moto's DynamoDB stream feeds the stream processor, which is what makes a version written
// straight into the table (not through the REST path, which indexes on its own) searchable.
import { randomUUID } from 'node:crypto';
import { DynamoDbResourceStore } from '../../adapters/aws/dynamodb-resource-store';
import { DEFAULT_TENANT } from '../../core/request';
import { extractIndexEntries } from '../../core/search/extract';
import { startHome, type RunningHome } from '../http/homes';
import { dynamoDbClient, uniqueName } from './support/clients';
import { describeWithMotoAndOpenSearch } from './support/engines';

interface GraphqlAnswer {
  readonly status: number;
  readonly body: { data?: Record<string, unknown> | null; errors?: Record<string, unknown>[] };
}

describeWithMotoAndOpenSearch('npm run start:aws: the AWS home over HTTP', ({ motoEndpoint }) => {
  const tableName = uniqueName('fhir-start-aws');
  let home: RunningHome;
  let token: string;

  const rest = async (path: string, init: RequestInit = {}): Promise<Response> =>
    fetch(`${home.base}${path}`, { ...init, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/fhir+json', ...(init.headers as Record<string, string>) } });
  /** `authorization` null sends none. */
  const graphql = async (query: string, authorization: string | null = token): Promise<GraphqlAnswer> => {
    const response = await fetch(home.base.replace(/\/fhir$/, '/graphql'), {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(authorization !== null ? { authorization } : {}) },
      body: JSON.stringify({ query }),
    });
    return { status: response.status, body: (await response.json()) as GraphqlAnswer['body'] };
  };

  beforeAll(async () => {
    home = await startHome('aws', { FHIR_TABLE_NAME: tableName });
    token = home.token({ groups: ['practitioner'] });
  }, 120_000);
  afterAll(async () => {
    await home?.stop();
  }, 30_000);

  test('REST: create, read and search through API Gateway proxy events, links on the home base', async () => {
    const created = await rest('/Patient', { method: 'POST', body: JSON.stringify({ resourceType: 'Patient', name: [{ family: 'Gateway' }] }) });
    expect(created.status).toBe(201);
    const id = String(((await created.json()) as { id: string }).id);
    expect(created.headers.get('location')).toBe(`${home.base}/Patient/${id}/_history/1`);
    expect((await rest(`/Patient/${id}`)).status).toBe(200);
    const bundle = (await (await rest(`/Patient?_id=${id}`)).json()) as { total?: number; entry?: { fullUrl: string }[] };
    expect(bundle.entry?.map((e) => e.fullUrl)).toEqual([`${home.base}/Patient/${id}`]);
  });

  test('REST: no token is 401 with a Bearer challenge; a path outside the stage is API Gateway\'s 403', async () => {
    const anonymous = await fetch(`${home.base}/Patient`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe('Bearer realm="fhir"');
    const outside = await fetch(home.base.replace(/\/fhir$/, '/elsewhere'));
    expect([outside.status, await outside.json()]).toEqual([403, { message: 'Missing Authentication Token' }]);
  });

  test('REST: Binary bytes travel base64 through the proxy integration and come back unchanged', async () => {
    const bytes = Buffer.from([0, 1, 2, 253, 254, 255]);
    const created = await rest('/Binary', { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: bytes });
    expect(created.status).toBe(201);
    const id = String(((await created.json()) as { id: string }).id);
    const read = await rest(`/Binary/${id}`, { headers: { accept: 'application/octet-stream' } });
    expect(read.status).toBe(200);
    expect(Buffer.from(await read.arrayBuffer())).toEqual(bytes);
  });

  test('GraphQL: AppSync applies aliases, drops the __typename the Lambda adds, and reports errors with errorType and errorInfo', async () => {
    const created = await graphql(`mutation { made: PatientCreate(res: ${JSON.stringify(JSON.stringify({ resourceType: 'Patient', name: [{ family: 'Appsync' }] }))}) { id } }`);
    expect(created.status).toBe(200);
    const id = String((created.body.data?.['made'] as { id: string }).id);
    const read = await graphql(`{ p: Patient(id: "${id}") { pid: id name { family } } }`);
    expect(read.body).toEqual({ data: { p: { pid: id, name: [{ family: 'Appsync' }] } } });
    const missing = await graphql('{ Patient(id: "no-such-patient") { id } }');
    expect(missing.body.data).toEqual({ Patient: null });
    expect(missing.body.errors?.[0]).toMatchObject({ path: ['Patient'], errorType: 'NOT_FOUND', errorInfo: { status: 404 } });
  });

  test('GraphQL: without a valid token AppSync answers 401 UnauthorizedException before any Lambda runs', async () => {
    for (const authorization of [null, 'not-a-token']) {
      const answer = await graphql('{ __typename }', authorization);
      expect([answer.status, answer.body.errors?.[0]?.['errorType']]).toEqual([401, 'UnauthorizedException']);
    }
  });

  test('the stream processor, fed from moto\'s DynamoDB stream, indexes a version written straight into the table', async () => {
    const id = randomUUID();
    const family = `Streamed${id.slice(0, 8)}`;
    const lastUpdated = new Date().toISOString();
    const resource = { resourceType: 'Patient', id, meta: { versionId: '1', lastUpdated }, name: [{ family }] };
    const dynamo = dynamoDbClient(motoEndpoint);
    const store = new DynamoDbResourceStore({ tableName, client: dynamo });
    try {
      await store.commit(DEFAULT_TENANT, [{ resourceType: 'Patient', id, expectedVersionId: null, versionId: '1', lastUpdated, resource, index: extractIndexEntries(resource) }]);
    } finally {
      dynamo.destroy();
    }
    let ids: string[] = [];
    for (const deadline = Date.now() + 20_000; Date.now() < deadline && ids.length === 0; await new Promise((r) => setTimeout(r, 250))) {
      const bundle = (await (await rest(`/Patient?family=${family}`)).json()) as { entry?: { resource: { id: string } }[] };
      ids = (bundle.entry ?? []).map((e) => e.resource.id);
    }
    expect(ids).toEqual([id]);
  }, 30_000);
});
