import { KidNotFoundInJwksError, JwtWithoutValidKidError } from 'aws-jwt-verify/error';
import { StaticJwksCache } from './static-jwks-cache';

const jwks = { keys: [{ kty: 'RSA', n: 'AQAB', e: 'AQAB', alg: 'RS256', use: 'sig', kid: 'known' }] };
const jwt = (kid: unknown): { header: Record<string, unknown>; payload: Record<string, never> } => ({ header: { alg: 'RS256', kid } as Record<string, unknown>, payload: {} });

test('a pinned key is found by its key id', async () => {
  await expect(new StaticJwksCache(jwks).getJwk('https://ignored.example/jwks.json', jwt('known') as never)).resolves.toMatchObject({ kid: 'known' });
});

test('an unknown key id is refused instead of fetched', async () => {
  await expect(new StaticJwksCache(jwks).getJwk('https://cognito-idp.us-east-1.amazonaws.com/x/.well-known/jwks.json', jwt('other') as never)).rejects.toBeInstanceOf(KidNotFoundInJwksError);
});

test('a token without key id is refused', () => {
  expect(() => new StaticJwksCache(jwks).getCachedJwk('u', jwt(undefined) as never)).toThrow(JwtWithoutValidKidError);
});

test('keys offered later do not join the pinned set', async () => {
  const cache = new StaticJwksCache(jwks);
  cache.addJwks();
  await expect(cache.getJwks()).resolves.toBe(jwks);
});
