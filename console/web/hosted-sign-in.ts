// Sign-in on AWS through Cognito's hosted UI (issue 15): the OAuth 2.0 authorization code grant
// with PKCE (RFC 6749 §4.1, RFC 7636 S256), never the implicit grant (RFC 9700 §2.1.2: no tokens
// in URLs). The app client is public, so the code verifier is what binds the code to this
// browser; `state` binds the answer to the request this tab made. The ID token is kept as the
// console's session (the REST Lambda and AppSync verify ID tokens, infra/README.md "Sign-in").
import { HOSTED_SIGN_IN_CONFIG_FILE, parseHostedSignInConfig, type HostedSignInConfig } from '../hosted-sign-in-config';
import { saveSession } from './session';

const PENDING = 'fhir-hosted-sign-in';

interface Pending {
  readonly state: string;
  readonly verifier: string;
}

function base64Url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function randomString(bytes: number): string {
  return base64Url(crypto.getRandomValues(new Uint8Array(bytes)));
}

let loaded: Promise<HostedSignInConfig | undefined> | undefined;

/** The deployed config (console-config.json beside index.html), or undefined where there is none. */
export function hostedSignInConfig(): Promise<HostedSignInConfig | undefined> {
  if (document.body.dataset['hostedSignIn'] !== 'true') return Promise.resolve(undefined);
  loaded ??= fetch(`./${HOSTED_SIGN_IN_CONFIG_FILE}`, { headers: { accept: 'application/json' } })
    .then(async (response) => (response.ok ? parseHostedSignInConfig(await response.json()) : undefined))
    .catch(() => undefined);
  return loaded;
}

/** Sends the browser to /oauth2/authorize with a fresh state and S256 code challenge. */
export async function startHostedSignIn(config: HostedSignInConfig): Promise<void> {
  // RFC 7636 §4.1: 32 random octets give a 43-character verifier.
  const pending: Pending = { state: randomString(16), verifier: randomString(32) };
  const challenge = base64Url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(pending.verifier))));
  sessionStorage.setItem(PENDING, JSON.stringify(pending));
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: config.clientId,
    redirect_uri: config.redirectUri,
    scope: 'openid email profile',
    state: pending.state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  });
  location.assign(`${config.domain}/oauth2/authorize?${query.toString()}`);
}

interface TokenAnswer {
  readonly id_token?: string;
  readonly expires_in?: number;
  readonly error?: string;
  readonly error_description?: string;
}

/** Claims of a JWT's payload, for the label only: the servers verify the token, not the console. */
function claimsOf(token: string): Record<string, unknown> {
  try {
    const payload = token.split('.')[1] ?? '';
    return JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/'))) as Record<string, unknown>;
  } catch {
    return {};
  }
}

/**
 * When the page was opened by Cognito's redirect (`?code=&state=`), exchanges the code at
 * /oauth2/token with the verifier, saves the session and takes the code out of the address bar.
 * Answers false when there was nothing to complete; throws when the answer is not ours or the exchange fails.
 */
export async function completeHostedSignIn(): Promise<boolean> {
  const params = new URLSearchParams(location.search);
  const code = params.get('code');
  const error = params.get('error');
  if (code === null && error === null) return false;
  const pendingText = sessionStorage.getItem(PENDING);
  sessionStorage.removeItem(PENDING);
  history.replaceState(null, '', `${location.pathname}#/`);
  if (error !== null) throw new Error(`Cognito refused the sign-in: ${params.get('error_description') ?? error}`);
  const pending = pendingText === null ? undefined : (JSON.parse(pendingText) as Pending);
  if (pending === undefined || params.get('state') !== pending.state) throw new Error('This sign-in answer was not started from this tab (state mismatch); sign in again.');
  const config = await hostedSignInConfig();
  if (config === undefined) throw new Error(`Hosted sign-in is not configured (${HOSTED_SIGN_IN_CONFIG_FILE})`);
  const response = await fetch(`${config.domain}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', client_id: config.clientId, code: code ?? '', redirect_uri: config.redirectUri, code_verifier: pending.verifier }).toString(),
  });
  const answer = (await response.json()) as TokenAnswer;
  if (!response.ok || answer.id_token === undefined) throw new Error(`The token exchange failed: ${answer.error_description ?? answer.error ?? `HTTP ${response.status}`}`);
  const claims = claimsOf(answer.id_token);
  const tenant = typeof claims['custom:tenantId'] === 'string' ? claims['custom:tenantId'] : undefined;
  const who = String(claims['email'] ?? claims['cognito:username'] ?? 'Cognito user');
  saveSession({ token: answer.id_token, label: tenant === undefined ? who : `${who} @ ${tenant}`, ...(tenant === undefined ? {} : { tenant }), expiresAt: Date.now() + (answer.expires_in ?? 3600) * 1000 });
  return true;
}

/** Cognito's /logout for this client, when the stack has a logout URL; else undefined. */
export function hostedSignOutUrl(config: HostedSignInConfig): string | undefined {
  if (config.logoutUri === '') return undefined;
  return `${config.domain}/logout?${new URLSearchParams({ client_id: config.clientId, logout_uri: config.logoutUri }).toString()}`;
}
