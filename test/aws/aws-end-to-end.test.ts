// The AWS home end to end on the local engines (issue 6, "Proof"): wiring/aws.ts over DynamoDB
// on moto and a real OpenSearch node. A Patient created through the REST Lambda handler (a real
// API Gateway proxy event) is found at once by a REST search and by a GraphQL query through the
// AppSync Lambda handler (a real AppSync event), and the stream processor's pass over the same
// commit changes nothing.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { DeleteTableCommand, DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { ensureResourceTable } from '../../adapters/aws/dynamodb-table';
import type { Bundle } from '../../core/fhir-types';
import { createAppSyncHandler, type AppSyncEvent } from '../../resolvers/appsync/handler';
import { createGraphqlService } from '../../resolvers/execute-graphql';
import { createRestLambdaHandler, type RestLambdaHandler } from '../../rest/lambda-handler';
import { createAwsApp, createAwsStreamHandler, parseAwsConfig, type AwsApp, type AwsConfig } from '../../wiring/aws';
import { dynamoDbClient, openSearchClient, uniqueName } from './support/clients';
import { readStream } from './support/dynamodb-stream';
import { describeWithMotoAndOpenSearch } from './support/engines';

const fixtures = join(__dirname, '..', 'fixtures', 'api-gateway');
const apiEvent = (name: string): APIGatewayProxyEvent => JSON.parse(readFileSync(join(fixtures, name), 'utf8')) as APIGatewayProxyEvent;

/** The captured GET event, re-aimed at a type search. */
function searchEvent(query: Record<string, string>): APIGatewayProxyEvent {
  const event = apiEvent('get-patient.json');
  return {
    ...event,
    path: '/Patient',
    pathParameters: { proxy: 'Patient' },
    queryStringParameters: query,
    multiValueQueryStringParameters: Object.fromEntries(Object.entries(query).map(([k, v]) => [k, [v]])),
  };
}

function appSyncEvent(fieldName: string, args: Record<string, unknown>, selection: string): AppSyncEvent {
  const event = JSON.parse(readFileSync(join(__dirname, '..', 'graphql', 'fixtures', 'appsync-query-patient.json'), 'utf8')) as AppSyncEvent;
  return { ...event, arguments: args, info: { ...event.info, fieldName, selectionSetGraphQL: selection, variables: args } };
}

describeWithMotoAndOpenSearch('the AWS home end to end on moto and OpenSearch', ({ motoEndpoint, opensearchUrl }) => {
  const tableName = uniqueName('fhir-e2e');
  const indexPrefix = uniqueName('e2e').toLowerCase();
  let config: AwsConfig;
  let app: AwsApp;
  let rest: RestLambdaHandler;
  let graphql: (event: AppSyncEvent) => Promise<unknown>;

  beforeAll(async () => {
    // moto takes any credentials; the SDK's default chain finds these first.
    process.env.AWS_ACCESS_KEY_ID = 'testing';
    process.env.AWS_SECRET_ACCESS_KEY = 'testing';
    const client = dynamoDbClient(motoEndpoint);
    await ensureResourceTable(client, tableName);
    client.destroy();
    config = parseAwsConfig({
      FHIR_TABLE_NAME: tableName,
      FHIR_DYNAMODB_ENDPOINT: motoEndpoint,
      FHIR_OPENSEARCH_ENDPOINT: opensearchUrl,
      FHIR_OPENSEARCH_SIGV4: 'false',
      FHIR_OPENSEARCH_INDEX_PREFIX: indexPrefix,
      FHIR_OPENSEARCH_REFRESH_INTERVAL: '100ms',
      FHIR_AUTH_MODE: 'none',
      LOG_LEVEL: 'silent',
    });
    app = createAwsApp(config);
    rest = createRestLambdaHandler(() => app.door);
    const handler = createAppSyncHandler({ deps: app.deps, service: createGraphqlService(app.deps), baseUrl: () => 'https://example.org/fhir' });
    graphql = (event) => handler(event);
  });
  afterAll(async () => {
    await app.close();
    const client = dynamoDbClient(motoEndpoint);
    await client.send(new DeleteTableCommand({ TableName: tableName }));
    client.destroy();
    const search = openSearchClient(opensearchUrl);
    await search.indices.delete({ index: `${indexPrefix}-*` });
    await search.close();
  });

  test('a Patient created through the REST handler is found at once by REST search and by GraphQL', async () => {
    const created = await rest(apiEvent('post-patient.json'));
    const id = (JSON.parse(created.body) as { id: string }).id;

    const searched = await rest(searchEvent({ family: 'lambda', birthdate: '1980-02-29' }));
    const graphqlRead = await graphql(appSyncEvent('Patient', { id }, '{\n  id\n  birthDate\n}'));
    const graphqlList = await graphql(appSyncEvent('PatientList', { family: 'lambda' }, '{\n  id\n  name {\n    family\n  }\n}'));

    expect(created.statusCode).toBe(201);
    expect(searched.statusCode).toBe(200);
    expect(((JSON.parse(searched.body) as Bundle).entry ?? []).map((e) => e.resource?.id)).toEqual([id]);
    expect(graphqlRead).toMatchObject({ id, birthDate: '1980-02-29' });
    expect(graphqlList).toEqual([expect.objectContaining({ id, name: [expect.objectContaining({ family: 'Lambda' })] })]);
  });

  test('the stream processor indexes the same commits again without a failure or a change in results', async () => {
    const created = await rest(apiEvent('post-patient.json'));
    const id = (JSON.parse(created.body) as { id: string }).id;
    const client = dynamoDbClient(motoEndpoint);
    const streamArn = (await client.send(new DescribeTableCommand({ TableName: tableName }))).Table?.LatestStreamArn ?? '';
    client.destroy();

    const result = await createAwsStreamHandler(config)({ Records: await readStream(motoEndpoint, streamArn) });
    const searched = await rest(searchEvent({ _id: id }));

    expect(result.batchItemFailures).toEqual([]);
    expect(((JSON.parse(searched.body) as Bundle).entry ?? []).map((e) => e.resource?.id)).toEqual([id]);
  });

  test('the stream processor publishes each committed change to AppSync, signed for IAM', async () => {
    const published: { authorization: string | undefined; variables: Record<string, unknown> }[] = [];
    const appsync = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { variables: Record<string, unknown> };
        published.push({ authorization: req.headers.authorization, variables: body.variables });
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data: { publishResourceChange: body.variables } }));
      });
    });
    await new Promise<void>((resolve) => appsync.listen(0, '127.0.0.1', resolve));
    try {
      const created = await rest(apiEvent('post-patient.json'));
      const id = (JSON.parse(created.body) as { id: string }).id;
      const client = dynamoDbClient(motoEndpoint);
      const streamArn = (await client.send(new DescribeTableCommand({ TableName: tableName }))).Table?.LatestStreamArn ?? '';
      client.destroy();
      const url = `http://127.0.0.1:${(appsync.address() as AddressInfo).port}/graphql`;

      const result = await createAwsStreamHandler({ ...config, FHIR_APPSYNC_URL: url })({ Records: await readStream(motoEndpoint, streamArn) });

      const mine = published.find((p) => p.variables.id === id);
      expect(result.batchItemFailures).toEqual([]);
      expect(mine?.variables).toMatchObject({ tenant: 'default', action: 'create', resourceType: 'Patient', versionId: '1' });
      expect(JSON.parse(String(mine?.variables.resource))).toMatchObject({ resourceType: 'Patient', id, birthDate: '1980-02-29' });
      expect(mine?.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=testing\/\d{8}\/us-east-1\/appsync\/aws4_request, /);
    } finally {
      await new Promise((resolve) => appsync.close(resolve));
    }
  });

  test('a transaction bundle lands whole up to the DynamoDB limit and is refused whole, with a 400 naming it, above', async () => {
    const bundle = (entries: number, family: string): string => JSON.stringify({
      resourceType: 'Bundle', type: 'transaction',
      entry: Array.from({ length: entries }, (_, i) => ({
        fullUrl: `urn:uuid:00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
        resource: { resourceType: 'Patient', name: [{ family }] },
        request: { method: 'POST', url: 'Patient' },
      })),
    });
    const post = (body: string): APIGatewayProxyEvent => ({ ...apiEvent('post-patient.json'), path: '/', pathParameters: { proxy: '' }, body });

    const fits = await rest(post(bundle(app.deps.store.maxAtomicWrites, 'Fits')));
    const tooBig = await rest(post(bundle(app.deps.store.maxAtomicWrites + 1, 'TooBig')));
    const landed = await rest(searchEvent({ family: 'fits', _summary: 'count' }));
    const refused = await rest(searchEvent({ family: 'toobig', _summary: 'count' }));

    expect(fits.statusCode).toBe(200);
    expect(tooBig.statusCode).toBe(400);
    expect(tooBig.body).toContain(`at most ${app.deps.store.maxAtomicWrites}`);
    expect([(JSON.parse(landed.body) as Bundle).total, (JSON.parse(refused.body) as Bundle).total]).toEqual([50, 0]);
  });
});
