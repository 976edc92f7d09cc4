// A JwksCache holding a fixed key set. aws-jwt-verify's default cache fetches the JWKS of an
// unknown key id from the issuer's address (for a Cognito pool, AWS itself); this one refuses
// instead (DESIGN.md: aws-jwt-verify facts), so pinned keys are the only keys.
import type { JwksCache, Jwks, JwkWithKid } from 'aws-jwt-verify/jwk';
import { KidNotFoundInJwksError, JwtWithoutValidKidError } from 'aws-jwt-verify/error';
import type { JwtHeader } from 'aws-jwt-verify/jwt-model';

export class StaticJwksCache implements JwksCache {
  constructor(private readonly jwks: Jwks) {}

  getCachedJwk(_jwksUri: string, decomposedJwt: { header: JwtHeader }): JwkWithKid {
    const kid = decomposedJwt.header.kid;
    if (typeof kid !== 'string' || kid === '') throw new JwtWithoutValidKidError('JWT header does not have valid kid claim');
    const jwk = this.jwks.keys.find((key) => key.kid === kid);
    if (jwk === undefined) throw new KidNotFoundInJwksError(`JWK for kid "${kid}" is not among the pinned keys`);
    return { ...jwk, kid };
  }

  async getJwk(jwksUri: string, decomposedJwt: { header: JwtHeader }): Promise<JwkWithKid> {
    return this.getCachedJwk(jwksUri, decomposedJwt);
  }

  /** The key set is fixed: keys offered later (e.g. by verifier.cacheJwks) are ignored. */
  addJwks(): void {
    // Intentionally empty: see the class comment.
  }

  getJwks(): Promise<Jwks> {
    return Promise.resolve(this.jwks);
  }
}
