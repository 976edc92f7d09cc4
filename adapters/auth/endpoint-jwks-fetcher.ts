// Cognito's JWKS from another endpoint (issue 10): CognitoJwtVerifier derives the JWKS URL from
// the pool id (https://cognito-idp.<region>.amazonaws.com/<pool id>/.well-known/jwks.json); on
// the local engines the same path is served by moto's cognito-idp. This fetcher sends that path
// to the configured endpoint and refuses any other host, so an unknown key id never reaches AWS.
// On AWS no endpoint is configured and aws-jwt-verify's own fetcher is used.
import { FetchError } from 'aws-jwt-verify/error';
import type { Fetcher } from 'aws-jwt-verify/https';
import { FetchJwksFetcher } from './fetch-jwks-fetcher';

const COGNITO_HOST = /^cognito-idp\.[a-z0-9-]+\.amazonaws\.com$/;

export class EndpointJwksFetcher implements Fetcher {
  constructor(
    private readonly endpoint: string,
    private readonly inner: Fetcher = new FetchJwksFetcher(),
  ) {}

  fetch(uri: string): Promise<ArrayBuffer> {
    const url = new URL(uri);
    if (url.protocol !== 'https:' || !COGNITO_HOST.test(url.hostname)) return Promise.reject(new FetchError(uri, 'not a Cognito JWKS URL'));
    return this.inner.fetch(new URL(`${url.pathname}${url.search}`, this.endpoint).href);
  }
}
