// 401 responses for bearer tokens (RFC 6750 §3): every failure carries WWW-Authenticate, and a
// request with no credentials gets the challenge without an error code (§3.1).
import { FhirError } from '../errors/fhir-error';

export const BEARER_REALM = 'fhir';

/** Keeps a description inside a quoted-string (RFC 6750 §3: %x20-21 / %x23-5B / %x5D-7E). */
function quoted(text: string): string {
  return text.replace(/[^\x20-\x21\x23-\x5b\x5d-\x7e]/g, ' ').slice(0, 200);
}

/** A FhirError UNAUTHENTICATED for a bad token, with `WWW-Authenticate: Bearer ... error="invalid_token"`. */
export function invalidTokenError(description: string, cause?: unknown): FhirError {
  const challenge = `Bearer realm="${BEARER_REALM}", error="invalid_token", error_description="${quoted(description)}"`;
  return new FhirError('UNAUTHENTICATED', `The bearer token is not valid: ${description}`, { headers: { 'WWW-Authenticate': challenge }, cause });
}

/** A FhirError UNAUTHENTICATED for a request without a bearer token. */
export function missingTokenError(): FhirError {
  return new FhirError('UNAUTHENTICATED', 'A bearer token is required (Authorization: Bearer <token>)', {
    headers: { 'WWW-Authenticate': `Bearer realm="${BEARER_REALM}"` },
  });
}

/**
 * The token of an `Authorization: Bearer <token>` header (scheme case-insensitive, RFC 6750 §2.1).
 * Throws missingTokenError when the header is absent and invalidTokenError when it is not Bearer.
 */
export function extractBearerToken(authorization: string | undefined): string {
  if (authorization === undefined || authorization.trim() === '') throw missingTokenError();
  const match = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(authorization);
  if (match?.[1] === undefined) throw invalidTokenError('The Authorization header is not "Bearer <token>"');
  return match[1];
}
