// Bearer token -> Principal with aws-jwt-verify (DESIGN.md: Auth; issue 5). One class for both
// token kinds: Cognito ID tokens (the default mode) and the access tokens of an OIDC/SMART
// authorization server. Every failure is a 401 with WWW-Authenticate; no path skips the
// signature check.
import { CognitoJwtVerifier, JwtVerifier } from 'aws-jwt-verify';
import type { Fetcher } from 'aws-jwt-verify/https';
import { SimpleJwksCache, type Jwks, type JwksCache } from 'aws-jwt-verify/jwk';
import type { JwtPayload } from 'aws-jwt-verify/jwt-model';
import { invalidTokenError, missingTokenError } from '../../core/authz/bearer';
import { FhirError } from '../../core/errors/fhir-error';
import type { TokenVerifier } from '../../core/ports/token-verifier';
import type { Principal } from '../../core/request';
import { FetchJwksFetcher } from './fetch-jwks-fetcher';
import { StaticJwksCache } from './static-jwks-cache';

interface CommonVerifierConfig {
  /** Claim holding the tenant id (default `custom:tenantId`, the Cognito custom attribute). */
  readonly tenantClaim?: string;
  /** Pinned keys (the dev issuer): tokens signed by any other key are refused, nothing is fetched. */
  readonly jwks?: Jwks;
  /** Allowed clock skew for exp / nbf, in seconds (default 0). */
  readonly graceSeconds?: number;
}

/** Cognito ID tokens: token_use `id`, aud = app client id, groups from `cognito:groups`. */
export interface CognitoVerifierConfig extends CommonVerifierConfig {
  readonly mode: 'cognito';
  readonly userPoolId: string;
  readonly clientId: string | readonly string[];
  /**
   * Fetches the pool's JWKS (the port tests and local engines use: EndpointJwksFetcher reads it
   * from moto); by default aws-jwt-verify's own https fetcher, from Cognito.
   */
  readonly jwksFetcher?: Fetcher;
}

/** Access tokens of an OIDC / SMART authorization server: `scope`, `fhirUser`, `patient`. */
export interface SmartVerifierConfig extends CommonVerifierConfig {
  readonly mode: 'smart';
  readonly issuer: string;
  /** Expected `aud` (usually the FHIR base URL); null explicitly skips the audience check. */
  readonly audience: string | readonly string[] | null;
  /** Where the JWKS is fetched from when no `jwks` is pinned. */
  readonly jwksUri?: string;
}

export type JwtTokenVerifierConfig = CognitoVerifierConfig | SmartVerifierConfig;

/** Longer than any real ID or access token; refuses pathological input before parsing. */
const MAX_TOKEN_LENGTH = 16 * 1024;

function stringClaim(payload: JwtPayload, name: string): string | undefined {
  const value = payload[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value === '') throw invalidTokenError(`The ${name} claim is not a non-empty string`);
  return value;
}

function stringListClaim(payload: JwtPayload, name: string): string[] {
  const value = payload[name];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || !value.every((v): v is string => typeof v === 'string')) {
    throw invalidTokenError(`The ${name} claim is not a list of strings`);
  }
  return value;
}

/** Turns verified claims into the Principal of core/request.ts. */
export function principalFromClaims(payload: JwtPayload, tenantClaim: string): Principal {
  const subject = stringClaim(payload, 'sub');
  if (subject === undefined) throw invalidTokenError('The token has no sub claim');
  const scope = stringClaim(payload, 'scope');
  const principal: { -readonly [K in keyof Principal]: Principal[K] } = {
    subject,
    groups: stringListClaim(payload, 'cognito:groups'),
    scopes: scope === undefined ? stringListClaim(payload, 'scp') : scope.split(/\s+/).filter((s) => s !== ''),
  };
  const tenant = stringClaim(payload, tenantClaim);
  if (tenant !== undefined) principal.tenant = tenant;
  const fhirUser = stringClaim(payload, 'fhirUser');
  if (fhirUser !== undefined) principal.fhirUser = fhirUser;
  const patient = stringClaim(payload, 'patient');
  if (patient !== undefined) principal.patient = patient;
  const username = stringClaim(payload, 'cognito:username') ?? stringClaim(payload, 'username');
  if (username !== undefined) principal.username = username;
  const clientId = stringClaim(payload, 'client_id') ?? (typeof payload.aud === 'string' ? payload.aud : undefined);
  if (clientId !== undefined) principal.clientId = clientId;
  return principal;
}

type VerifyFn = (token: string) => Promise<JwtPayload>;

function cognitoVerify(config: CognitoVerifierConfig): VerifyFn {
  const props = { userPoolId: config.userPoolId, tokenUse: 'id' as const, clientId: [...(typeof config.clientId === 'string' ? [config.clientId] : config.clientId)], graceSeconds: config.graceSeconds ?? 0 };
  const jwksCache: JwksCache | undefined = config.jwks !== undefined
    ? new StaticJwksCache(config.jwks)
    : config.jwksFetcher !== undefined ? new SimpleJwksCache({ fetcher: config.jwksFetcher }) : undefined;
  const verifier = jwksCache === undefined ? CognitoJwtVerifier.create(props) : CognitoJwtVerifier.create(props, { jwksCache });
  return (token) => verifier.verify(token);
}

function smartVerify(config: SmartVerifierConfig): VerifyFn {
  const audience = config.audience === null ? null : typeof config.audience === 'string' ? config.audience : [...config.audience];
  const jwksCache: JwksCache = config.jwks === undefined ? new SimpleJwksCache({ fetcher: new FetchJwksFetcher() }) : new StaticJwksCache(config.jwks);
  const verifier = JwtVerifier.create(
    {
      issuer: config.issuer,
      audience,
      ...(config.jwksUri === undefined ? {} : { jwksUri: config.jwksUri }),
      graceSeconds: config.graceSeconds ?? 0,
      customJwtCheck: ({ payload }) => {
        // An ID token proves who logged in, not what a client may do (SMART App Launch: access tokens).
        if (payload.token_use === 'id') throw new Error('An ID token is not an access token');
      },
    },
    { jwksCache },
  );
  return (token) => verifier.verify(token);
}

export class JwtTokenVerifier implements TokenVerifier {
  private readonly verifyJwt: VerifyFn;
  private readonly tenantClaim: string;

  constructor(config: JwtTokenVerifierConfig) {
    this.verifyJwt = config.mode === 'cognito' ? cognitoVerify(config) : smartVerify(config);
    this.tenantClaim = config.tenantClaim ?? 'custom:tenantId';
  }

  async verify(bearerToken: string): Promise<Principal> {
    if (bearerToken === '') throw missingTokenError();
    if (bearerToken.length > MAX_TOKEN_LENGTH) throw invalidTokenError('The token is too long');
    let payload: JwtPayload;
    try {
      payload = await this.verifyJwt(bearerToken);
    } catch (error) {
      if (error instanceof FhirError) throw error;
      throw invalidTokenError(error instanceof Error ? plainDescription(error.message) : 'The token could not be verified', error);
    }
    return principalFromClaims(payload, this.tenantClaim);
  }
}

/**
 * The verifier's message without what a malformed token puts in it: the JSON parser's own error
 * (which quotes the token's bytes) and anything but printable ASCII, which the
 * WWW-Authenticate header cannot carry either (RFC 6750 §3: error_description is %x20-21 / %x23-5B / %x5D-7E).
 */
function plainDescription(message: string): string {
  const withoutParser = message.split(/:\s*SyntaxError\b/)[0] ?? message;
  const printable = withoutParser.replace(/[^\x20-\x21\x23-\x5b\x5d-\x7e]/g, '').trim();
  return (printable === '' ? 'The token could not be verified' : printable).slice(0, 200);
}
