import { FhirError } from '../errors/fhir-error';
import { buildSmartConfiguration } from './smart-configuration';

const smart = {
  requireFhirUserForUserScopes: true,
  patientScopesOutsideCompartment: 'deny' as const,
  authorizationEndpoint: 'https://auth.example/authorize',
  tokenEndpoint: 'https://auth.example/token',
};

test('the document carries the configured endpoints and the required fields', () => {
  const document = buildSmartConfiguration(smart);
  expect(document).toMatchObject({
    authorization_endpoint: 'https://auth.example/authorize',
    token_endpoint: 'https://auth.example/token',
    code_challenge_methods_supported: ['S256'],
    grant_types_supported: ['authorization_code', 'client_credentials'],
  });
  expect(document.capabilities).toContain('permission-v2');
  expect(document.scopes_supported).toContain('patient/*.rs');
});

test('issuer and JWKS make the server advertise OpenID Connect', () => {
  const document = buildSmartConfiguration({ ...smart, issuer: 'https://auth.example', jwksUri: 'https://auth.example/jwks' });
  expect(document.issuer).toBe('https://auth.example');
  expect(document.jwks_uri).toBe('https://auth.example/jwks');
  expect(document.capabilities).toContain('sso-openid-connect');
});

test('configured capabilities and scopes replace the defaults', () => {
  const document = buildSmartConfiguration({ ...smart, capabilities: ['launch-ehr'], scopesSupported: ['user/*.rs'] });
  expect(document.capabilities).toEqual(['launch-ehr']);
  expect(document.scopes_supported).toEqual(['user/*.rs']);
});

test('without an authorization server the document is 404', () => {
  expect(() => buildSmartConfiguration({ requireFhirUserForUserScopes: true, patientScopesOutsideCompartment: 'deny' })).toThrow(FhirError);
});
