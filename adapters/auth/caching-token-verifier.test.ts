import { FhirError } from '../../core/errors/fhir-error';
import type { TokenVerifier } from '../../core/ports/token-verifier';
import type { Principal } from '../../core/request';
import { CachingTokenVerifier } from './caching-token-verifier';

const jwt = (exp: number | undefined): string =>
  `${Buffer.from('{"alg":"RS256"}').toString('base64url')}.${Buffer.from(JSON.stringify(exp === undefined ? { sub: 'u' } : { sub: 'u', exp })).toString('base64url')}.sig`;

function countingVerifier(result: Principal | FhirError): { verifier: TokenVerifier; calls: () => number } {
  let calls = 0;
  return {
    verifier: { verify: () => { calls += 1; return result instanceof FhirError ? Promise.reject(result) : Promise.resolve(result); } },
    calls: () => calls,
  };
}

const principal: Principal = { subject: 'u', groups: ['practitioner'], scopes: [] };

test('a token verified once is not verified again before it expires', async () => {
  const inner = countingVerifier(principal);
  const cache = new CachingTokenVerifier(inner.verifier, { now: () => 1_000_000 });
  const token = jwt(2_000);
  await cache.verify(token);
  await expect(cache.verify(token)).resolves.toBe(principal);
  expect(inner.calls()).toBe(1);
});

test('an expired token goes back to the inner verifier', async () => {
  let now = 1_000_000;
  const inner = countingVerifier(principal);
  const cache = new CachingTokenVerifier(inner.verifier, { now: () => now });
  const token = jwt(1_001);
  await cache.verify(token);
  now = 1_002_000;
  await cache.verify(token);
  expect(inner.calls()).toBe(2);
});

test('failures are never cached', async () => {
  const inner = countingVerifier(new FhirError('UNAUTHENTICATED', 'bad'));
  const cache = new CachingTokenVerifier(inner.verifier);
  const token = jwt(Math.floor(Date.now() / 1000) + 600);
  await expect(cache.verify(token)).rejects.toBeInstanceOf(FhirError);
  await expect(cache.verify(token)).rejects.toBeInstanceOf(FhirError);
  expect(inner.calls()).toBe(2);
});

test('a token without exp is not cached', async () => {
  const inner = countingVerifier(principal);
  const cache = new CachingTokenVerifier(inner.verifier);
  await cache.verify(jwt(undefined));
  await cache.verify(jwt(undefined));
  expect(inner.calls()).toBe(2);
});

test('the cache keeps at most maxEntries tokens', async () => {
  const inner = countingVerifier(principal);
  const cache = new CachingTokenVerifier(inner.verifier, { maxEntries: 2, now: () => 0 });
  const tokens = [jwt(100), jwt(101), jwt(102)];
  for (const token of tokens) await cache.verify(token);
  await cache.verify(tokens[0] as string);
  expect(inner.calls()).toBe(4);
});
