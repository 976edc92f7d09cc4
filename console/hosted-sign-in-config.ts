// The console's Cognito hosted sign-in settings on AWS (issue 15): a small JSON file the CDK app
// writes beside index.html (infra/constructs/web-console.ts), read by the console at start
// (console/web/hosted-sign-in.ts). Shared here so both sides agree on its shape.

/** The file's name in the console's bucket, next to index.html. */
export const HOSTED_SIGN_IN_CONFIG_FILE = 'console-config.json';

export interface HostedSignInConfig {
  /** The hosted sign-in base URL, `https://<domain>.auth.<region>.amazoncognito.com`; empty when the stack has no callback URLs. */
  readonly domain: string;
  /** The public app client (no secret): its id is not a secret either. */
  readonly clientId: string;
  /** Where Cognito sends the browser back with `?code=`: the first of HostedUiCallbackUrls. */
  readonly redirectUri: string;
  /** Where Cognito's /logout may send the browser afterwards; empty for none. */
  readonly logoutUri: string;
}

const KEYS = ['domain', 'clientId', 'redirectUri', 'logoutUri'] as const;

/** The config when it is well formed and hosted sign-in is on (domain, client id and redirect URL given); else undefined. */
export function parseHostedSignInConfig(value: unknown): HostedSignInConfig | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const record = value as Record<string, unknown>;
  if (!KEYS.every((key) => typeof record[key] === 'string')) return undefined;
  const config = record as unknown as HostedSignInConfig;
  const https = (url: string): boolean => /^https:\/\/[^\s]+$/.test(url) || /^http:\/\/(localhost|127\.0\.0\.1)(:\d+)?(\/\S*)?$/.test(url);
  if (!https(config.domain) || config.clientId === '' || !https(config.redirectUri)) return undefined;
  if (config.logoutUri !== '' && !https(config.logoutUri)) return undefined;
  return { domain: config.domain.replace(/\/+$/, ''), clientId: config.clientId, redirectUri: config.redirectUri, logoutUri: config.logoutUri };
}
