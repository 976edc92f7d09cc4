import { readFileSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { parseLocalConfig } from '../wiring/config';
import { createLocalApp, type LocalApp } from '../wiring/local';
import { createRestLambdaHandler } from './lambda-handler';

const fixture = (name: string): APIGatewayProxyEvent => JSON.parse(readFileSync(join(__dirname, '..', 'test', 'fixtures', 'api-gateway', name), 'utf8')) as APIGatewayProxyEvent;

let app: LocalApp;
let dataDir: string;
beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'fhir-lambda-'));
  app = createLocalApp(parseLocalConfig({ FHIR_DATA_DIR: dataDir, FHIR_AUTH_MODE: 'none', LOG_LEVEL: 'silent' }), { inMemory: true });
});
afterAll(async () => {
  await app.close();
  rmSync(dataDir, { recursive: true, force: true });
});

test('a real API Gateway proxy event creates a resource with a Location on the stage URL', async () => {
  const handler = createRestLambdaHandler(() => app.door);
  const result = await handler(fixture('post-patient.json'));
  expect(result.statusCode).toBe(201);
  const created = JSON.parse(result.body) as { id: string };
  expect(result.headers?.['location']).toBe(`https://1234567890.execute-api.us-east-1.amazonaws.com/prod/Patient/${created.id}/_history/1`);
});

test('a GET event with multi-value query parameters reads the resource through the same core', async () => {
  const handler = createRestLambdaHandler(() => app.door);
  const created = JSON.parse((await handler(fixture('post-patient.json'))).body) as { id: string };
  const event = JSON.parse(JSON.stringify(fixture('get-patient.json')).replace(/PLACEHOLDER/g, created.id)) as APIGatewayProxyEvent;
  const result = await handler(event);
  expect(result.statusCode).toBe(200);
  const body = JSON.parse(result.body) as Record<string, unknown>;
  expect(body['birthDate']).toBe('1980-02-29');
  expect(body['name']).toBeUndefined();
});

test('a bad body in an event is a 400 OperationOutcome, not a 500', async () => {
  const handler = createRestLambdaHandler(() => app.door);
  const result = await handler({ ...fixture('post-patient.json'), body: '{not json' });
  expect(result.statusCode).toBe(400);
  expect(JSON.parse(result.body)).toMatchObject({ resourceType: 'OperationOutcome' });
});

test('/healthz and /readyz answer an API Gateway event without a token (issue 15)', async () => {
  const handler = createRestLambdaHandler(() => app.door);
  const base = fixture('get-patient.json');
  const probe = (path: string): APIGatewayProxyEvent => ({ ...base, path, pathParameters: { proxy: path.slice(1) }, headers: {}, multiValueHeaders: {}, queryStringParameters: null, multiValueQueryStringParameters: null });
  const live = await handler(probe('/healthz'));
  const ready = await handler(probe('/readyz'));
  expect([live.statusCode, ready.statusCode]).toEqual([200, 200]);
  expect(JSON.parse(ready.body)).toMatchObject({ status: 'pass' });
  expect(ready.headers?.['content-type']).toMatch(/^application\/health\+json/);
});
