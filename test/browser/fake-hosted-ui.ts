// A stand-in for Cognito's hosted UI (its /oauth2/authorize, /oauth2/token and /logout endpoints) on
// 127.0.0.1: the one mock the issue allows, since the managed login cannot run here. It keeps
// the rules that matter to a public client (authorization code grant, RFC 6749 §4.1; PKCE S256,
// RFC 7636 §4.6): only `response_type=code`, the registered client and redirect URL, a code used
// once, and a token only for the verifier whose SHA-256 is the challenge. Tokens come from the
// local server's dev issuer, which mints Cognito-shaped ID tokens the server verifies.
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface AuthorizeRequest {
  readonly query: Readonly<Record<string, string>>;
}

export interface TokenExchange {
  readonly form: Readonly<Record<string, string>>;
  /** What the fake answered: 200 with tokens, or 400 with the OAuth error. */
  readonly status: number;
  readonly error?: string;
}

export interface FakeHostedUi {
  readonly origin: string;
  readonly authorizeRequests: AuthorizeRequest[];
  readonly tokenExchanges: TokenExchange[];
  /** The ID tokens handed out, in order. */
  readonly issued: string[];
  /** Query strings of /logout calls. */
  readonly logouts: Record<string, string>[];
  close(): Promise<void>;
}

export interface FakeHostedUiOptions {
  readonly clientId: string;
  /** The registered redirect URL (asked when needed: the console's site starts after this fake). */
  readonly redirectUri: () => string;
  /** Mints the ID token for a successful exchange. */
  readonly mint: () => string;
}

interface PendingCode {
  readonly challenge: string;
  readonly redirectUri: string;
}

const readBody = (req: IncomingMessage): Promise<string> =>
  new Promise((resolve, reject) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => { text += chunk; });
    req.on('end', () => resolve(text));
    req.on('error', reject);
  });

export async function startFakeHostedUi(options: FakeHostedUiOptions): Promise<FakeHostedUi> {
  const authorizeRequests: AuthorizeRequest[] = [];
  const tokenExchanges: TokenExchange[] = [];
  const issued: string[] = [];
  const logouts: Record<string, string>[] = [];
  const codes = new Map<string, PendingCode>();
  // Cognito's token endpoint answers browsers on other origins (CORS), as the console needs.
  const cors = { 'access-control-allow-origin': '*', 'access-control-allow-headers': 'content-type', 'access-control-allow-methods': 'POST' };
  const json = (res: ServerResponse, status: number, body: unknown): void => {
    res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...cors }).end(JSON.stringify(body));
  };

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method === 'GET' && url.pathname === '/oauth2/authorize') {
      const query = Object.fromEntries(url.searchParams);
      authorizeRequests.push({ query });
      const problem = query['response_type'] !== 'code' ? 'unsupported_response_type'
        : query['client_id'] !== options.clientId ? 'invalid_client'
          : query['redirect_uri'] !== options.redirectUri() ? 'redirect_mismatch'
            : query['code_challenge_method'] !== 'S256' || (query['code_challenge'] ?? '').length < 43 ? 'invalid_request' : undefined;
      if (problem !== undefined) return void res.writeHead(400, { 'content-type': 'text/plain' }).end(problem);
      // The user "signs in" at once; Cognito would show its login form first.
      const code = randomBytes(16).toString('hex');
      codes.set(code, { challenge: query['code_challenge'] ?? '', redirectUri: options.redirectUri() });
      const back = new URL(options.redirectUri());
      back.searchParams.set('code', code);
      if (query['state'] !== undefined) back.searchParams.set('state', query['state']);
      return void res.writeHead(302, { location: back.toString() }).end();
    }
    if (req.method === 'GET' && url.pathname === '/logout') {
      // Cognito's /logout ends its session and returns to a registered logout URL.
      logouts.push(Object.fromEntries(url.searchParams));
      const target = url.searchParams.get('logout_uri') ?? '';
      if (url.searchParams.get('client_id') !== options.clientId || target !== options.redirectUri()) return void res.writeHead(400).end('invalid logout_uri');
      return void res.writeHead(302, { location: target }).end();
    }
    if (req.method === 'OPTIONS' && url.pathname === '/oauth2/token') return void res.writeHead(204, cors).end();
    if (req.method === 'POST' && url.pathname === '/oauth2/token') {
      void readBody(req).then((body) => {
        const form = Object.fromEntries(new URLSearchParams(body));
        const pending = codes.get(form['code'] ?? '');
        codes.delete(form['code'] ?? '');
        const verifier = form['code_verifier'] ?? '';
        const error = (req.headers['content-type'] ?? '') !== 'application/x-www-form-urlencoded' ? 'invalid_request'
          : form['grant_type'] !== 'authorization_code' ? 'unsupported_grant_type'
            : form['client_id'] !== options.clientId ? 'invalid_client'
              : pending === undefined || form['redirect_uri'] !== pending.redirectUri ? 'invalid_grant'
                : createHash('sha256').update(verifier).digest('base64url') !== pending.challenge ? 'invalid_grant' : undefined;
        if (error !== undefined) {
          tokenExchanges.push({ form, status: 400, error });
          return json(res, 400, { error });
        }
        const idToken = options.mint();
        issued.push(idToken);
        tokenExchanges.push({ form, status: 200 });
        return json(res, 200, { id_token: idToken, access_token: `access-${randomBytes(8).toString('hex')}`, token_type: 'Bearer', expires_in: 3600 });
      });
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    authorizeRequests,
    tokenExchanges,
    issued,
    logouts,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
