import { ConfigError } from './config';
import { parseAwsConfig } from './aws';

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
