// aws-jwt-verify's default fetcher accepts https only (DESIGN.md: aws-jwt-verify facts); an
// OIDC/SMART authorization server on a developer machine is often plain http, so SMART mode
// fetches JWKS with the platform fetch instead.
import type { Fetcher } from 'aws-jwt-verify/https';
import { FetchError } from 'aws-jwt-verify/error';

export class FetchJwksFetcher implements Fetcher {
  constructor(private readonly timeoutMs = 3000) {}

  async fetch(uri: string): Promise<ArrayBuffer> {
    const response = await globalThis.fetch(uri, { signal: AbortSignal.timeout(this.timeoutMs), headers: { accept: 'application/json' } });
    if (!response.ok) throw new FetchError(uri, `status ${response.status}`);
    return response.arrayBuffer();
  }
}
