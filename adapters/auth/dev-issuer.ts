// The local dev issuer (DESIGN.md: Auth; issue 5): an RSA key pair generated once into
// <dataDir>/dev-issuer/, minting Cognito-shaped tokens that the server verifies with the same
// JwtTokenVerifier as on AWS, the keys pinned so nothing is fetched from AWS.
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, type JsonWebKey, type KeyObject } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Jwks } from 'aws-jwt-verify/jwk';
import { JwtTokenVerifier } from './jwt-token-verifier';

/** A pool id no real Cognito pool can have (region `xx-local-1`), yet CognitoJwtVerifier accepts. */
export const DEV_USER_POOL_ID = 'xx-local-1_devissuer';
export const DEV_CLIENT_ID = 'fhir-gateway-local';
export const DEV_ISSUER = `https://cognito-idp.xx-local-1.amazonaws.com/${DEV_USER_POOL_ID}`;

export interface DevTokenInput {
  readonly subject?: string;
  readonly groups?: readonly string[];
  readonly tenant?: string;
  /** SMART scopes; when given the token is an access token (token_use `access`). */
  readonly scopes?: readonly string[];
  readonly patient?: string;
  readonly fhirUser?: string;
  /** Lifetime in seconds (default 3600). */
  readonly expiresInSeconds?: number;
}

export type JwtClaims = Readonly<Record<string, unknown>>;

export interface DevIssuer {
  readonly issuer: string;
  readonly userPoolId: string;
  /** The app client id: the `aud` of minted tokens. */
  readonly audience: string;
  /** Public keys, to serve at the local server's JWKS address. */
  readonly jwks: Jwks;
  /** A Cognito-shaped ID token (or, with scopes, an access token) for the given caller. */
  mint(input: DevTokenInput): string;
  /** Signs exactly these claims and header fields (tests use it to craft bad tokens). */
  sign(claims: JwtClaims, header?: JwtClaims): string;
}

function base64url(data: string | Buffer): string {
  return Buffer.from(data).toString('base64url');
}

/** RFC 7638 JWK thumbprint: a stable key id. */
function thumbprint(jwk: JsonWebKey): string {
  return createHash('sha256').update(JSON.stringify({ e: jwk.e, kty: jwk.kty, n: jwk.n })).digest('base64url');
}

function loadOrCreatePrivateKey(dataDir: string, dir: string): KeyObject {
  const file = join(dir, 'private-key.jwk.json');
  mkdirSync(dataDir, { recursive: true });
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  try {
    return createPrivateKey({ key: JSON.parse(readFileSync(file, 'utf8')) as JsonWebKey, format: 'jwk' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  try {
    // `wx`: if the server and `npm run token` race, the first key wins and the other reads it.
    writeFileSync(file, JSON.stringify(privateKey.export({ format: 'jwk' })), { flag: 'wx', mode: 0o600 });
    chmodSync(file, 0o600);
    return privateKey;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return createPrivateKey({ key: JSON.parse(readFileSync(file, 'utf8')) as JsonWebKey, format: 'jwk' });
  }
}

/** Loads the dev issuer's key pair from <dataDir>/dev-issuer/, generating it the first time. */
export function createDevIssuer(dataDir: string): DevIssuer {
  const dir = join(dataDir, 'dev-issuer');
  const privateKey = loadOrCreatePrivateKey(dataDir, dir);
  const publicJwk = createPublicKey(privateKey).export({ format: 'jwk' });
  const kid = thumbprint(publicJwk);
  const jwks: Jwks = { keys: [{ kty: 'RSA', n: String(publicJwk.n), e: String(publicJwk.e), alg: 'RS256', use: 'sig', kid }] };
  writeFileSync(join(dir, 'jwks.json'), `${JSON.stringify(jwks, null, 2)}\n`);

  const signClaims = (claims: JwtClaims, header: JwtClaims = {}): string => {
    const head = base64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid, ...header }));
    const body = base64url(JSON.stringify(claims));
    const signature = sign('sha256', Buffer.from(`${head}.${body}`), privateKey).toString('base64url');
    return `${head}.${body}.${signature}`;
  };

  const mint = (input: DevTokenInput): string => {
    const now = Math.floor(Date.now() / 1000);
    const subject = input.subject ?? `dev-${(input.groups ?? []).join('-') || 'user'}`;
    const claims: Record<string, unknown> = {
      sub: subject,
      iss: DEV_ISSUER,
      aud: DEV_CLIENT_ID,
      token_use: input.scopes === undefined ? 'id' : 'access',
      auth_time: now,
      iat: now,
      exp: now + (input.expiresInSeconds ?? 3600),
      'cognito:username': subject,
    };
    if (input.groups !== undefined && input.groups.length > 0) claims['cognito:groups'] = [...input.groups];
    if (input.tenant !== undefined) claims['custom:tenantId'] = input.tenant;
    if (input.scopes !== undefined) claims.scope = input.scopes.join(' ');
    if (input.patient !== undefined) claims.patient = input.patient;
    if (input.fhirUser !== undefined) claims.fhirUser = input.fhirUser;
    return signClaims(claims);
  };

  return { issuer: DEV_ISSUER, userPoolId: DEV_USER_POOL_ID, audience: DEV_CLIENT_ID, jwks, mint, sign: signClaims };
}

/**
 * The verifier of the local server: the same JwtTokenVerifier as on AWS, with the dev issuer's
 * keys pinned. `cognito` accepts ID tokens (groups mode), `smart` access tokens (SMART mode).
 */
export function createLocalVerifier(devIssuer: DevIssuer, mode: 'cognito' | 'smart' = 'cognito'): JwtTokenVerifier {
  return mode === 'cognito'
    ? new JwtTokenVerifier({ mode: 'cognito', userPoolId: devIssuer.userPoolId, clientId: devIssuer.audience, jwks: devIssuer.jwks })
    : new JwtTokenVerifier({ mode: 'smart', issuer: devIssuer.issuer, audience: devIssuer.audience, jwks: devIssuer.jwks });
}
