import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDevIssuer, DEV_CLIENT_ID, DEV_USER_POOL_ID } from '../adapters/auth/dev-issuer';
import { ConfigError } from './config';
import { createAwsApp, parseAwsConfig } from './aws';

test('the AWS configuration needs a table name', () => {
  expect(() => parseAwsConfig({ FHIR_AUTH_MODE: 'none' })).toThrow(ConfigError);
});

test('Cognito mode needs the user pool and app client ids', () => {
  expect(() => parseAwsConfig({ FHIR_TABLE_NAME: 't' })).toThrow(/FHIR_COGNITO_USER_POOL_ID and FHIR_COGNITO_CLIENT_ID/);
});

test('defaults: us-east-1, SigV4-signed OpenSearch, index prefix fhir, single tenant', () => {
  const config = parseAwsConfig({ FHIR_TABLE_NAME: 't', FHIR_COGNITO_USER_POOL_ID: 'eu-west-1_abc', FHIR_COGNITO_CLIENT_ID: 'client' });

  expect(config).toMatchObject({ AWS_REGION: 'us-east-1', FHIR_OPENSEARCH_SIGV4: true, FHIR_OPENSEARCH_INDEX_PREFIX: 'fhir', FHIR_MULTI_TENANCY: false });
});

test('an index prefix OpenSearch would refuse (upper case) is a configuration error', () => {
  expect(() => parseAwsConfig({ FHIR_TABLE_NAME: 't', FHIR_AUTH_MODE: 'none', FHIR_OPENSEARCH_INDEX_PREFIX: 'FHIR' })).toThrow(/FHIR_OPENSEARCH_INDEX_PREFIX/);
});

test('SMART mode needs the issuer, audience and JWKS URL of its authorization server', () => {
  expect(() => parseAwsConfig({ FHIR_TABLE_NAME: 't', FHIR_AUTH_MODE: 'smart', FHIR_SMART_ISSUER: 'https://auth.example.org' })).toThrow(/FHIR_SMART_ISSUER, FHIR_SMART_AUDIENCE and FHIR_SMART_JWKS_URI/);
});

test('searches reach OpenSearch signed with SigV4 for the es service, with the SDK\'s credentials', async () => {
  const seen: IncomingHttpHeaders[] = [];
  const server = createServer((req, res) => {
    seen.push(req.headers);
    req.resume();
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ hits: { total: { value: 0 }, hits: [] } }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
  process.env.AWS_ACCESS_KEY_ID = 'AKIDWIRING';
  process.env.AWS_SECRET_ACCESS_KEY = 'secret';
  const app = createAwsApp(parseAwsConfig({
    AWS_REGION: 'eu-west-1', FHIR_TABLE_NAME: 't', FHIR_AUTH_MODE: 'none', LOG_LEVEL: 'silent',
    FHIR_OPENSEARCH_ENDPOINT: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
  }));
  try {
    const ctx = { principal: { subject: 'tester', groups: [], scopes: [] }, tenant: 'default', baseUrl: 'https://example.org/fhir', correlationId: 'wiring' };

    const matches = await app.deps.search.findMatches(ctx, 'Patient', 'gender=male', 2);

    expect(matches).toEqual([]);
    expect(seen[0]?.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDWIRING\/\d{8}\/eu-west-1\/es\/aws4_request, /);
  } finally {
    await app.close();
    await new Promise((resolve) => server.close(resolve));
    process.env.AWS_ACCESS_KEY_ID = saved.id;
    process.env.AWS_SECRET_ACCESS_KEY = saved.secret;
    if (saved.id === undefined) delete process.env.AWS_ACCESS_KEY_ID;
    if (saved.secret === undefined) delete process.env.AWS_SECRET_ACCESS_KEY;
  }
});

describe('FHIR_JWKS_FILE: the verifier pins these keys instead of fetching the issuer\'s (npm run start:aws)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'fhir-jwks-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
  const cognito = { FHIR_TABLE_NAME: 't', FHIR_COGNITO_USER_POOL_ID: DEV_USER_POOL_ID, FHIR_COGNITO_CLIENT_ID: DEV_CLIENT_ID, LOG_LEVEL: 'silent' } as const;

  test('a token of the pinned issuer is verified with no network, and one signed by another key is 401', async () => {
    const issuer = createDevIssuer(dataDir);
    const other = createDevIssuer(mkdtempSync(join(dataDir, 'other-')));
    const app = createAwsApp(parseAwsConfig({ ...cognito, FHIR_JWKS_FILE: join(dataDir, 'dev-issuer', 'jwks.json') }));
    try {
      await expect(app.door.verifier?.verify(issuer.mint({ groups: ['practitioner'] }))).resolves.toMatchObject({ groups: ['practitioner'] });
      await expect(app.door.verifier?.verify(other.mint({ groups: ['practitioner'] }))).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    } finally {
      await app.close();
    }
  });

  test('a file that is not a JWKS stops the start, naming the setting', () => {
    const file = join(dataDir, 'not-jwks.json');
    writeFileSync(file, JSON.stringify({ keys: [] }));
    expect(() => createAwsApp(parseAwsConfig({ ...cognito, FHIR_JWKS_FILE: file }))).toThrow(/FHIR_JWKS_FILE/);
  });
});
