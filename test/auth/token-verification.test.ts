// Token tests of issue 5 ("Proof"): every bad token is a 401 with WWW-Authenticate; good tokens
// give the right Principal. Real keys, real aws-jwt-verify, no stubs.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDevIssuer, createLocalVerifier, DEV_CLIENT_ID, DEV_ISSUER, type DevIssuer } from '../../adapters/auth/dev-issuer';
import { JwtTokenVerifier } from '../../adapters/auth/jwt-token-verifier';
import { extractBearerToken } from '../../core/authz/bearer';
import { FhirError } from '../../core/errors/fhir-error';
import type { Principal } from '../../core/request';

let dataDir: string;
let otherDir: string;
let issuer: DevIssuer;
let otherIssuer: DevIssuer;

beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'auth-token-'));
  otherDir = mkdtempSync(join(tmpdir(), 'auth-token-other-'));
  issuer = createDevIssuer(dataDir);
  otherIssuer = createDevIssuer(otherDir);
});

afterAll(() => {
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(otherDir, { recursive: true, force: true });
});

const now = (): number => Math.floor(Date.now() / 1000);

function idClaims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const t = now();
  return {
    sub: 'user-1', iss: DEV_ISSUER, aud: DEV_CLIENT_ID, token_use: 'id', auth_time: t, iat: t, exp: t + 600,
    'cognito:groups': ['practitioner'], 'custom:tenantId': 't1', ...overrides,
  };
}

async function rejection(promise: Promise<Principal>): Promise<FhirError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof FhirError) return error;
    throw error;
  }
  throw new Error('the token was accepted');
}

function expectInvalidToken(error: FhirError): void {
  expect(error.status).toBe(401);
  expect(error.code).toBe('UNAUTHENTICATED');
  expect(error.headers['WWW-Authenticate']).toMatch(/^Bearer realm="fhir", error="invalid_token", error_description="[^"]+"$/);
  expect(error.toOperationOutcome().issue[0]?.code).toBe('login');
}

function b64(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

describe('Cognito mode (ID tokens)', () => {
  const verify = (token: string): Promise<Principal> => createLocalVerifier(issuer).verify(token);

  test('a valid ID token gives the subject, groups and tenant', async () => {
    const principal = await verify(issuer.mint({ subject: 'alice', groups: ['practitioner', 'auditor'], tenant: 't1' }));
    expect(principal).toEqual({ subject: 'alice', username: 'alice', clientId: issuer.audience, groups: ['practitioner', 'auditor'], tenant: 't1', scopes: [] });
  });

  test('a token without groups gives an empty group list and no tenant', async () => {
    const principal = await verify(issuer.mint({ subject: 'bob' }));
    expect(principal).toEqual({ subject: 'bob', username: 'bob', clientId: issuer.audience, groups: [], scopes: [] });
  });

  test('an expired token is 401', async () => {
    expectInvalidToken(await rejection(verify(issuer.sign(idClaims({ exp: now() - 60 })))));
  });

  test('a token that is not yet valid is 401', async () => {
    expectInvalidToken(await rejection(verify(issuer.sign(idClaims({ nbf: now() + 600 })))));
  });

  test('a token from another issuer is 401', async () => {
    const token = issuer.sign(idClaims({ iss: 'https://cognito-idp.xx-local-1.amazonaws.com/xx-local-1_other' }));
    expectInvalidToken(await rejection(verify(token)));
  });

  test('a token for another app client (audience) is 401', async () => {
    expectInvalidToken(await rejection(verify(issuer.sign(idClaims({ aud: 'another-client' })))));
  });

  test('an access token where an ID token is required is 401', async () => {
    expectInvalidToken(await rejection(verify(issuer.sign(idClaims({ token_use: 'access' })))));
  });

  test('a token signed by an unknown key id is 401 without fetching keys from AWS', async () => {
    const error = await rejection(verify(otherIssuer.sign(idClaims())));
    expectInvalidToken(error);
    expect(error.message).toMatch(/is not among the pinned keys/);
  });

  test('a token signed by another key under a known key id is 401 (bad signature)', async () => {
    const kid = issuer.jwks.keys[0]?.kid;
    expectInvalidToken(await rejection(verify(otherIssuer.sign(idClaims(), { kid }))));
  });

  test('an unsigned token (alg none) is 401', async () => {
    const kid = issuer.jwks.keys[0]?.kid;
    const token = `${b64({ alg: 'none', typ: 'JWT', kid })}.${b64(idClaims())}.c2ln`;
    const error = await rejection(verify(token));
    expectInvalidToken(error);
    expect(error.message).toMatch(/algorithm/i);
  });

  test('an HS256 token keyed with the public key (algorithm confusion) is 401', async () => {
    const kid = issuer.jwks.keys[0]?.kid;
    expectInvalidToken(await rejection(verify(issuer.sign(idClaims(), { alg: 'HS256', kid }))));
  });

  test('a tampered payload is 401', async () => {
    const [header, , signature] = issuer.mint({ groups: ['auditor'] }).split('.');
    const forged = `${header}.${b64(idClaims({ 'cognito:groups': ['practitioner'] }))}.${signature}`;
    expectInvalidToken(await rejection(verify(forged)));
  });

  test('a malformed header is 401', async () => {
    const [, payload, signature] = issuer.mint({ groups: ['auditor'] }).split('.');
    expectInvalidToken(await rejection(verify(`not-json.${payload}.${signature}`)));
  });

  test('a garbled header is 401 with a plain message: no parser error, no bytes echoed', async () => {
    const [, payload, signature] = issuer.mint({ groups: ['auditor'] }).split('.');
    const error = await rejection(verify(`${Buffer.from([0xff, 0xfe, 0x7b, 0x00, 0x81]).toString('base64url')}.${payload}.${signature}`));
    expectInvalidToken(error);
    const diagnostics = error.toOperationOutcome().issue[0]?.diagnostics ?? '';
    expect(diagnostics).not.toMatch(/SyntaxError/);
    expect(diagnostics).toMatch(/^[\x20-\x7e]+$/);
    expect(error.headers['WWW-Authenticate']).toMatch(/^[\x20-\x7e]+$/);
  });

  test('a token that is not three parts is 401', async () => {
    expectInvalidToken(await rejection(verify('abc.def')));
  });

  test('a token without a subject is 401', async () => {
    expectInvalidToken(await rejection(verify(issuer.sign(idClaims({ sub: undefined })))));
  });

  test('a token whose groups claim is not a list of strings is 401', async () => {
    expectInvalidToken(await rejection(verify(issuer.sign(idClaims({ 'cognito:groups': 'practitioner' })))));
  });

  test('a missing token is 401 with a bare Bearer challenge', async () => {
    const error = await rejection(verify(''));
    expect(error.status).toBe(401);
    expect(error.headers['WWW-Authenticate']).toBe('Bearer realm="fhir"');
  });
});

describe('SMART mode (access tokens)', () => {
  const verify = (token: string): Promise<Principal> => createLocalVerifier(issuer, 'smart').verify(token);

  test('a valid access token gives scopes, launch patient and fhirUser', async () => {
    const token = issuer.mint({ subject: 'app', scopes: ['patient/Observation.rs', 'launch/patient'], patient: '123', fhirUser: 'Practitioner/9' });
    expect(await verify(token)).toEqual({
      subject: 'app', username: 'app', clientId: issuer.audience, groups: [], scopes: ['patient/Observation.rs', 'launch/patient'], patient: '123', fhirUser: 'Practitioner/9',
    });
  });

  test('an ID token where an access token is required is 401', async () => {
    expectInvalidToken(await rejection(verify(issuer.mint({ groups: ['practitioner'] }))));
  });

  test('an expired access token is 401', async () => {
    expectInvalidToken(await rejection(verify(issuer.sign(idClaims({ token_use: 'access', scope: 'user/*.rs', exp: now() - 5 })))));
  });

  test('an access token for another audience is 401', async () => {
    expectInvalidToken(await rejection(verify(issuer.sign(idClaims({ token_use: 'access', aud: 'https://elsewhere.example/fhir' })))));
  });

  test('an access token from another issuer is 401', async () => {
    expectInvalidToken(await rejection(verify(issuer.sign(idClaims({ token_use: 'access', iss: 'https://idp.example' })))));
  });

  test('keys are fetched from the configured JWKS address when none are pinned', async () => {
    const { createServer } = await import('node:http');
    const server = createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(issuer.jwks));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const address = server.address();
      if (address === null || typeof address === 'string') throw new Error('no port');
      const verifier = new JwtTokenVerifier({ mode: 'smart', issuer: DEV_ISSUER, audience: DEV_CLIENT_ID, jwksUri: `http://127.0.0.1:${address.port}/jwks.json` });
      const principal = await verifier.verify(issuer.mint({ subject: 'svc', scopes: ['system/*.rs'] }));
      expect(principal.scopes).toEqual(['system/*.rs']);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe('dev issuer', () => {
  test('the private key file is readable by its owner only', () => {
    expect(statSync(join(dataDir, 'dev-issuer', 'private-key.jwk.json')).mode & 0o777).toBe(0o600);
  });

  test('the published JWKS holds no private key material', () => {
    const key = issuer.jwks.keys[0];
    expect(key).toBeDefined();
    for (const field of ['d', 'p', 'q', 'dp', 'dq', 'qi']) expect(key).not.toHaveProperty(field);
  });

  test('a second start reuses the key pair, so earlier tokens stay valid', async () => {
    const token = issuer.mint({ subject: 'carol', groups: ['auditor'] });
    const restarted = createDevIssuer(dataDir);
    expect(restarted.jwks).toEqual(issuer.jwks);
    expect((await createLocalVerifier(restarted).verify(token)).subject).toBe('carol');
  });
});

describe('Authorization header', () => {
  test('the token of a Bearer header is extracted, scheme case-insensitive', () => {
    expect(extractBearerToken('bearer abc.def.ghi')).toBe('abc.def.ghi');
  });

  test('a missing header is 401 with a bare challenge', () => {
    expect(() => extractBearerToken(undefined)).toThrow(expect.objectContaining({ status: 401, headers: { 'WWW-Authenticate': 'Bearer realm="fhir"' } }));
  });

  test('a Basic header is 401 invalid_token', () => {
    let caught: unknown;
    try {
      extractBearerToken('Basic dXNlcjpwYXNz');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(FhirError);
    expectInvalidToken(caught as FhirError);
  });
});
