// An `authMode=smart` stack serves (issue 10, defects 2 and 3): every bundled Lambda of the
// synthesized stack, given the environment the template passes it (SMART issuer, audience and
// JWKS URL from the stack parameters), on DynamoDB and S3 in moto. The SMART authorization
// server is a local HTTPS endpoint serving a JWKS (the verifier fetches https only), trusted
// through NODE_EXTRA_CA_CERTS; its access tokens are signed here, as a SMART server would.
// Binary content goes through the REST Lambda in API Gateway's binary event shape
// (isBase64Encoded), as the REST API's binaryMediaTypes make API Gateway send it.
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { GRAPHQL_FUNCTION, REST_FUNCTION, STREAM_FUNCTION } from '../infra/synth';
import { lambdaEnvironment, synthesizeBundled, type BundledStack } from '../infra/support/bundled-stack';
import { invokeBundle } from '../infra/support/invoke-bundle';
import { apiEvent, proxyResult, type ProxyResult } from './support/api-gateway';
import { createDataStores, deleteDataStores, dynamoDbClient, uniqueName } from './support/clients';
import { readStream } from './support/dynamodb-stream';
import { describeWithMoto } from './support/engines';

const AUDIENCE = 'https://fhir.example.org/fhir';

function base64url(value: Buffer | string): string {
  return Buffer.from(value).toString('base64url');
}

function signToken(key: KeyObject, kid: string, claims: Record<string, unknown>): string {
  const now = Math.floor(Date.now() / 1000);
  const header = base64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid }));
  const payload = base64url(JSON.stringify({ iat: now, exp: now + 300, ...claims }));
  return `${header}.${payload}.${base64url(sign('RSA-SHA256', Buffer.from(`${header}.${payload}`), key))}`;
}

describeWithMoto('an authMode=smart stack: each bundled Lambda with SMART tokens (moto)', (motoEndpoint) => {
  const tableName = uniqueName('fhir-smart');
  const bucket = uniqueName('fhir-smart-bucket');
  const certDir = mkdtempSync(join(tmpdir(), 'fhir-smart-tls-'));
  const signing = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 });
  let issuer: string;
  let jwks: Server;
  let bundled: BundledStack;
  let environments: Record<'rest' | 'graphql' | 'stream', Record<string, string>>;

  const token = (claims: Record<string, unknown>, key: KeyObject = signing.privateKey): string =>
    signToken(key, 'smart-1', { iss: issuer, aud: AUDIENCE, sub: 'app-user-1', ...claims });
  const practitionerToken = (): string => token({ scope: 'openid fhirUser user/*.cruds', fhirUser: 'Practitioner/dr1' });

  async function rest(events: APIGatewayProxyEvent[]): Promise<ProxyResult[]> {
    return (await invokeBundle(bundled.bundleOf(REST_FUNCTION), environments.rest, events)).map(proxyResult);
  }

  beforeAll(async () => {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
      '-keyout', join(certDir, 'key.pem'), '-out', join(certDir, 'cert.pem')], { stdio: 'ignore' });
    const publicJwk = { ...signing.publicKey.export({ format: 'jwk' }), kid: 'smart-1', alg: 'RS256', use: 'sig' };
    jwks = createServer({ key: readFileSync(join(certDir, 'key.pem')), cert: readFileSync(join(certDir, 'cert.pem')) }, (request, response) => {
      if (request.url === '/jwks') response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [publicJwk] }));
      else response.writeHead(404).end();
    });
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    issuer = `https://127.0.0.1:${(jwks.address() as AddressInfo).port}`;

    await createDataStores(motoEndpoint, tableName, bucket);

    bundled = synthesizeBundled({ authMode: 'smart', search: false, graphqlTypes: 'Patient,Binary' });
    const resolved = {
      FHIR_TABLE_NAME: tableName,
      FHIR_BINARY_BUCKET: bucket,
      FHIR_COGNITO_USER_POOL_ID: 'us-east-1_Unused123',
      FHIR_COGNITO_CLIENT_ID: 'unused',
      FHIR_SMART_ISSUER: issuer,
      FHIR_SMART_AUDIENCE: AUDIENCE,
      FHIR_SMART_JWKS_URI: `${issuer}/jwks`,
      FHIR_BASE_URL: `${AUDIENCE}/`,
      FHIR_APPSYNC_URL: 'https://example.appsync-api.us-east-1.amazonaws.com/graphql',
    };
    const local = { FHIR_DYNAMODB_ENDPOINT: motoEndpoint, FHIR_S3_ENDPOINT: motoEndpoint, NODE_EXTRA_CA_CERTS: join(certDir, 'cert.pem') };
    const environmentOf = (name: string): Record<string, string> => ({ ...lambdaEnvironment(bundled.template, name, bundled.bundleOf(name), resolved), ...local });
    environments = { rest: environmentOf(REST_FUNCTION), graphql: environmentOf(GRAPHQL_FUNCTION), stream: environmentOf(STREAM_FUNCTION) };
  }, 180_000);

  afterAll(async () => {
    await new Promise<void>((resolve) => (jwks ? jwks.close(() => resolve()) : resolve()));
    bundled?.close();
    rmSync(certDir, { recursive: true, force: true });
    await deleteDataStores(motoEndpoint, tableName, bucket);
  });

  test('every Lambda gets the SMART settings from the stack parameters', () => {
    for (const environment of Object.values(environments)) {
      expect(environment).toMatchObject({ FHIR_AUTH_MODE: 'smart', FHIR_SMART_ISSUER: issuer, FHIR_SMART_AUDIENCE: AUDIENCE, FHIR_SMART_JWKS_URI: `${issuer}/jwks` });
    }
  });

  test('REST: a SMART token creates and reads; no token is 401; another signer is 401; a narrower scope is 403', async () => {
    const patient = JSON.stringify({ resourceType: 'Patient', name: [{ family: 'Smart' }] });
    const [created, anonymous, forged] = await rest([
      apiEvent('POST', '/Patient', { Authorization: `Bearer ${practitionerToken()}`, 'Content-Type': 'application/fhir+json' }, { text: patient }),
      apiEvent('POST', '/Patient', { 'Content-Type': 'application/fhir+json' }, { text: patient }),
      apiEvent('POST', '/Patient', { Authorization: `Bearer ${token({ scope: 'user/*.cruds', fhirUser: 'Practitioner/dr1' }, stranger.privateKey)}`, 'Content-Type': 'application/fhir+json' }, { text: patient }),
    ]);
    expect([created?.statusCode, anonymous?.statusCode, forged?.statusCode]).toEqual([201, 401, 401]);
    const id = (JSON.parse(created?.body ?? '{}') as { id: string }).id;

    const [read, narrow] = await rest([
      apiEvent('GET', `/Patient/${id}`, { Authorization: `Bearer ${practitionerToken()}`, Accept: 'application/fhir+json' }),
      apiEvent('GET', `/Patient/${id}`, { Authorization: `Bearer ${token({ scope: 'user/Observation.read', fhirUser: 'Practitioner/dr1' })}`, Accept: 'application/fhir+json' }),
    ]);
    expect(read?.statusCode).toBe(200);
    expect(JSON.parse(read?.body ?? '{}')).toMatchObject({ id, name: [{ family: 'Smart' }] });
    expect(narrow?.statusCode).toBe(403);
  }, 60_000);

  test('REST: a raw Binary upload (API Gateway base64 event) is read back natively as the same bytes', async () => {
    const bytes = randomBytes(256 * 1024);
    const [created] = await rest([apiEvent('POST', '/Binary', { Authorization: `Bearer ${practitionerToken()}`, 'Content-Type': 'application/pdf', Accept: 'application/fhir+json' }, { bytes })]);
    expect(created?.statusCode).toBe(201);
    const id = (JSON.parse(created?.body ?? '{}') as { id: string }).id;

    const [read] = await rest([apiEvent('GET', `/Binary/${id}`, { Authorization: `Bearer ${practitionerToken()}`, Accept: 'application/pdf' })]);

    expect(read?.statusCode).toBe(200);
    expect(read?.isBase64Encoded).toBe(true);
    expect(read?.headers?.['content-type']).toBe('application/pdf');
    expect(Buffer.from(read?.body ?? '', 'base64').equals(bytes)).toBe(true);
  }, 60_000);

  test('GraphQL: AppSync\'s OIDC identity for a SMART token reads through the bundled resolver Lambda', async () => {
    const [created] = await rest([apiEvent('POST', '/Patient', { Authorization: `Bearer ${practitionerToken()}`, 'Content-Type': 'application/fhir+json' }, { text: JSON.stringify({ resourceType: 'Patient', name: [{ family: 'Graph' }] }) })]);
    const id = (JSON.parse(created?.body ?? '{}') as { id: string }).id;
    const claims = { iss: issuer, aud: AUDIENCE, sub: 'app-user-1', scope: 'user/Patient.read', fhirUser: 'Practitioner/dr1' };
    const event = {
      arguments: { id },
      identity: { sub: 'app-user-1', issuer, claims },
      source: null,
      request: { headers: { 'x-amzn-requestid': 'smart-graphql-1' }, domainName: null },
      prev: null,
      info: { parentTypeName: 'Query', fieldName: 'Patient', variables: {}, selectionSetList: ['id', 'name'], selectionSetGraphQL: '{\n  id\n  name {\n    family\n  }\n}' },
      stash: {},
    };
    const narrow = { ...event, identity: { ...event.identity, claims: { ...claims, scope: 'user/Observation.read' } } };

    const [allowed, refused] = await invokeBundle(bundled.bundleOf(GRAPHQL_FUNCTION), environments.graphql, [event, narrow]);

    expect(allowed).toEqual({ ok: true, value: expect.objectContaining({ id, name: [expect.objectContaining({ family: 'Graph' })] }) });
    expect(refused).toEqual({ ok: false, errorType: 'FORBIDDEN', errorMessage: expect.any(String) });
  }, 60_000);

  test('stream processor: starts under the SMART configuration and handles the committed versions', async () => {
    const dynamo = dynamoDbClient(motoEndpoint);
    const { TableDescription } = await import('@aws-sdk/client-dynamodb').then(async ({ DescribeTableCommand }) => ({ TableDescription: (await dynamo.send(new DescribeTableCommand({ TableName: tableName }))).Table }));
    dynamo.destroy();
    const records = await readStream(motoEndpoint, TableDescription?.LatestStreamArn ?? '');
    // No AppSync here: the feed is left out by giving no versions to publish (current items only).
    const currentOnly = records.filter((record) => record.dynamodb?.NewImage?.['sk']?.S === 'c');
    expect(currentOnly.length).toBeGreaterThan(0);

    const [result] = await invokeBundle(bundled.bundleOf(STREAM_FUNCTION), environments.stream, [{ Records: currentOnly }]);

    expect(result).toEqual({ ok: true, value: { batchItemFailures: [] } });
  }, 60_000);
});
