import type { Principal } from '../request';

/**
 * Bearer token to principal (DESIGN.md: TokenVerifier). Throws FhirError UNAUTHENTICATED for a
 * missing, malformed, expired, wrongly signed or wrong-audience token.
 */
export interface TokenVerifier {
  verify(bearerToken: string): Promise<Principal>;
}
