// Concurrency on the AWS home (issue 16, "Concurrency": "the same on the AWS adapters against
// the engines"): two instances of the REST Lambda (two createAwsApp, as two Lambda containers
// would be, with nothing in memory shared) over one DynamoDB table on moto and one OpenSearch
// node. Conditional creates with the same criteria create one resource (the uniqueness guard item
// committed in the same TransactWriteItems); If-Match writers get exactly one success per
// version; writers without If-Match all land; overlapping transactions are all-or-nothing and
// serializable.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { ensureResourceTable } from '../../adapters/aws/dynamodb-table';
import type { Bundle } from '../../core/fhir-types';
import { createRestLambdaHandler, type RestLambdaHandler } from '../../rest/lambda-handler';
import { createAwsApp, parseAwsConfig, type AwsApp } from '../../wiring/aws';
import { dynamoDbClient, openSearchClient, uniqueName } from './support/clients';
import { describeWithMotoAndOpenSearch } from './support/engines';

const template = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'api-gateway', 'post-patient.json'), 'utf8')) as APIGatewayProxyEvent;

/** An API Gateway proxy event for `method path` with a JSON body and extra headers. */
function event(method: string, path: string, body: unknown, headers: Record<string, string> = {}, query: Record<string, string> = {}): APIGatewayProxyEvent {
  const allHeaders = { ...template.headers, ...headers };
  return {
    ...template,
    httpMethod: method,
    path,
    pathParameters: path === '/' ? null : { proxy: path.slice(1) },
    headers: allHeaders,
    multiValueHeaders: Object.fromEntries(Object.entries(allHeaders).map(([k, v]) => [k, [v ?? '']])),
    queryStringParameters: Object.keys(query).length > 0 ? query : null,
    multiValueQueryStringParameters: Object.keys(query).length > 0 ? Object.fromEntries(Object.entries(query).map(([k, v]) => [k, [v]])) : null,
    body: body === undefined ? null : JSON.stringify(body),
  };
}

const parse = (body: string): Record<string, unknown> => (body === '' ? {} : (JSON.parse(body) as Record<string, unknown>));

describeWithMotoAndOpenSearch('concurrency across two Lambda instances on moto and OpenSearch', ({ motoEndpoint, opensearchUrl }) => {
  const tableName = uniqueName('fhir-concurrency');
  const indexPrefix = uniqueName('conc').toLowerCase();
  let apps: AwsApp[];
  let lambdas: RestLambdaHandler[];
  /** Spreads calls over both instances, alternately. */
  const via = (n: number): RestLambdaHandler => lambdas[n % 2] as RestLambdaHandler;

  beforeAll(async () => {
    process.env.AWS_ACCESS_KEY_ID = 'testing';
    process.env.AWS_SECRET_ACCESS_KEY = 'testing';
    const client = dynamoDbClient(motoEndpoint);
    await ensureResourceTable(client, tableName);
    client.destroy();
    const config = parseAwsConfig({
      FHIR_TABLE_NAME: tableName,
      FHIR_DYNAMODB_ENDPOINT: motoEndpoint,
      FHIR_OPENSEARCH_ENDPOINT: opensearchUrl,
      FHIR_OPENSEARCH_SIGV4: 'false',
      FHIR_OPENSEARCH_INDEX_PREFIX: indexPrefix,
      FHIR_OPENSEARCH_REFRESH_INTERVAL: '100ms',
      FHIR_AUTH_MODE: 'none',
      LOG_LEVEL: 'silent',
    });
    apps = [createAwsApp(config), createAwsApp(config)];
    lambdas = apps.map((app) => createRestLambdaHandler(() => app.door));
    // The first write creates the Patient index; 30 first writes at once would race that
    // creation (OpenSearch answers 503 while the new index's shard starts), which is not what
    // these tests are about.
    const warm = await via(0)(event('POST', '/Patient', { resourceType: 'Patient', name: [{ family: 'Warm' }] }));
    expect(warm.statusCode).toBe(201);
    const ready = await via(1)(event('GET', '/Patient', undefined, {}, { family: 'Warm' }));
    expect(ready.statusCode).toBe(200);
  });
  afterAll(async () => {
    await Promise.all(apps.map((app) => app.close()));
    const client = dynamoDbClient(motoEndpoint);
    await client.send(new DeleteTableCommand({ TableName: tableName }));
    client.destroy();
    const search = openSearchClient(opensearchUrl);
    await search.indices.delete({ index: `${indexPrefix}-*` });
    await search.close();
  });

  test('30 conditional creates with the same criteria over two instances create exactly one resource', async () => {
    const criteria = 'identifier=urn:test:guard|one';
    const body = { resourceType: 'Patient', identifier: [{ system: 'urn:test:guard', value: 'one' }], name: [{ family: 'Guarded' }] };
    const answers = await Promise.all(Array.from({ length: 30 }, (_, n) => via(n)(event('POST', '/Patient', body, { 'If-None-Exist': criteria }))));

    const statuses = answers.map((answer) => answer.statusCode);
    expect(statuses.filter((status) => status === 201)).toHaveLength(1);
    expect(statuses.filter((status) => status === 200)).toHaveLength(29);
    const ids = new Set(answers.map((answer) => String(parse(answer.body)['id'])));
    expect(ids.size).toBe(1);
    // The store and the index agree: one Patient with that identifier.
    const searched = await via(0)(event('GET', '/Patient', undefined, {}, { identifier: 'urn:test:guard|one' }));
    expect(((parse(searched.body) as unknown as Bundle).entry ?? []).map((entry) => entry.resource?.id)).toEqual([...ids]);
  });

  test('a conditional create on one instance finds what the other created a moment ago, before or after the index shows it', async () => {
    const criteria = 'identifier=urn:test:guard|two';
    const body = { resourceType: 'Patient', identifier: [{ system: 'urn:test:guard', value: 'two' }] };
    const first = await via(0)(event('POST', '/Patient', body, { 'If-None-Exist': criteria }));
    const second = await via(1)(event('POST', '/Patient', body, { 'If-None-Exist': criteria }));
    expect([first.statusCode, second.statusCode]).toEqual([201, 200]);
    expect(parse(second.body)['id']).toBe(parse(first.body)['id']);
  });

  test('50 writers with the same If-Match over two instances: exactly one succeeds', async () => {
    const created = await via(0)(event('POST', '/Patient', { resourceType: 'Patient', name: [{ family: 'Contended' }] }));
    const id = String(parse(created.body)['id']);
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, n) => via(n)(event('PUT', `/Patient/${id}`, { resourceType: 'Patient', id, name: [{ family: `Writer${n}` }] }, { 'If-Match': 'W/"1"' }))),
    );
    const statuses = answers.map((answer) => answer.statusCode);
    expect(statuses.filter((status) => status === 200)).toHaveLength(1);
    expect(statuses.filter((status) => status === 412 || status === 409)).toHaveLength(49);
    const current = await via(1)(event('GET', `/Patient/${id}`, undefined));
    expect((parse(current.body)['meta'] as { versionId: string }).versionId).toBe('2');
  });

  test('50 writers without If-Match over two instances: every write lands as its own version', async () => {
    const created = await via(0)(event('POST', '/Patient', { resourceType: 'Patient', name: [{ family: 'Many' }] }));
    const id = String(parse(created.body)['id']);
    const answers = await Promise.all(Array.from({ length: 50 }, (_, n) => via(n)(event('PUT', `/Patient/${id}`, { resourceType: 'Patient', id, name: [{ family: `Writer${n}` }] }))));
    expect(answers.map((answer) => answer.statusCode).filter((status) => status !== 200)).toEqual([]);
    const versions = answers.map((answer) => (parse(answer.body)['meta'] as { versionId: string }).versionId);
    expect(new Set(versions).size).toBe(50);
    const history = await via(1)(event('GET', `/Patient/${id}/_history`, undefined, {}, { _count: '100' }));
    expect(((parse(history.body) as unknown as Bundle).entry ?? []).length).toBe(51);
  });

  test('overlapping transactions over two instances are all-or-nothing and serializable', async () => {
    const ids = ['shared-a', 'shared-b'].map((id) => `${id}-${indexPrefix}`);
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, n) =>
        via(n)(
          event('POST', '/', {
            resourceType: 'Bundle',
            type: 'transaction',
            entry: ids.map((id) => ({ resource: { resourceType: 'Patient', id, identifier: [{ system: 'urn:marker', value: `t${n}` }] }, request: { method: 'PUT', url: `Patient/${id}` } })),
          }),
        ),
      ),
    );
    const committed = answers.flatMap((answer, n) => (answer.statusCode === 200 ? [`t${n}`] : []));
    // A transaction that lost every retry says so (409) and leaves nothing; most commit.
    for (const answer of answers) expect([200, 409]).toContain(answer.statusCode);
    expect(committed.length).toBeGreaterThan(0);
    const orders = await Promise.all(
      ids.map(async (id) => {
        const history = await via(0)(event('GET', `/Patient/${id}/_history`, undefined, {}, { _count: '100' }));
        return ((parse(history.body) as unknown as Bundle).entry ?? []).map((entry) => (entry.resource as unknown as { identifier: { value: string }[] }).identifier[0]?.value).reverse();
      }),
    );
    expect([...(orders[0] ?? [])].sort()).toEqual([...committed].sort());
    expect(orders[1]).toEqual(orders[0]);
  });
});
