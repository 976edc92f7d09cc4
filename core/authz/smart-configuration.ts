// [base]/.well-known/smart-configuration
// (https://hl7.org/fhir/smart-app-launch/conformance.html#using-well-known).
import { FhirError } from '../errors/fhir-error';
import type { JsonObject } from '../fhir-types';
import type { AccessPolicyConfig } from './access-policy-config';

const DEFAULT_CAPABILITIES = [
  'launch-standalone',
  'client-public',
  'client-confidential-symmetric',
  'context-standalone-patient',
  'permission-patient',
  'permission-user',
  'permission-v1',
  'permission-v2',
];

const DEFAULT_SCOPES = [
  'openid', 'fhirUser', 'launch/patient', 'offline_access',
  'patient/*.rs', 'patient/*.cruds', 'user/*.rs', 'user/*.cruds', 'system/*.rs', 'system/*.cruds',
  'patient/*.read', 'patient/*.write', 'user/*.read', 'user/*.write', 'system/*.read', 'system/*.write',
];

/**
 * The SMART discovery document for the configured authorization server. Throws NOT_FOUND when
 * no authorization server is configured (the server then does not offer SMART).
 */
export function buildSmartConfiguration(smart: AccessPolicyConfig['smart']): JsonObject {
  const { authorizationEndpoint, tokenEndpoint, issuer, jwksUri } = smart;
  if (authorizationEndpoint === undefined || tokenEndpoint === undefined) {
    throw new FhirError('NOT_FOUND', 'SMART on FHIR is not configured on this server');
  }
  const openId = issuer !== undefined && jwksUri !== undefined;
  const capabilities = smart.capabilities ?? (openId ? [...DEFAULT_CAPABILITIES, 'sso-openid-connect'] : DEFAULT_CAPABILITIES);
  const document: JsonObject = {
    authorization_endpoint: authorizationEndpoint,
    token_endpoint: tokenEndpoint,
    grant_types_supported: ['authorization_code', 'client_credentials'],
    // The spec requires S256 and forbids advertising `plain`.
    code_challenge_methods_supported: ['S256'],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'private_key_jwt'],
    response_types_supported: ['code'],
    capabilities: [...capabilities],
    scopes_supported: [...(smart.scopesSupported ?? DEFAULT_SCOPES)],
  };
  if (issuer !== undefined) document.issuer = issuer;
  if (jwksUri !== undefined) document.jwks_uri = jwksUri;
  return document;
}
