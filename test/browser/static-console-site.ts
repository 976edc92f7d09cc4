// The console as the AWS home serves it, on 127.0.0.1: the pages the CDK app deploys to the
// console bucket (console/static-site.ts), the same bundles, a console-config.json and the
// console's CSP widened by the API and sign-in origins, as the CloudFront response headers
// policy does (infra/constructs/web-console.ts). Only the bucket and CDN are stood in for.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HostedSignInConfig } from '../../console/hosted-sign-in-config';
import { HOSTED_SIGN_IN_CONFIG_FILE } from '../../console/hosted-sign-in-config';
import { contentSecurityPolicy } from '../../console/page';
import { staticSitePages } from '../../console/static-site';
import { consoleAssets } from '../../local/console-routes';

export interface StaticConsoleSite {
  readonly origin: string;
  close(): Promise<void>;
}

export interface StaticConsoleSiteOptions {
  readonly restApiUrl: string;
  readonly graphqlUrl: string;
  /** Origins the CSP's connect-src adds (the API and Cognito's token endpoint). */
  readonly connectSources: readonly string[];
  /** The config for a given site origin (the redirect URL is the site's own). */
  readonly hostedSignIn: (origin: string) => HostedSignInConfig;
}

export async function startStaticConsoleSite(options: StaticConsoleSiteOptions): Promise<StaticConsoleSite> {
  const assets = await consoleAssets();
  const pages = staticSitePages({ restApiUrl: options.restApiUrl, graphqlUrl: options.graphqlUrl });
  const csp = contentSecurityPolicy(options.connectSources);
  let origin = '';
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    // CloudFront's defaultRootObject: / is index.html.
    const name = path === '/' ? 'index.html' : path.slice(1);
    const page = name === 'index.html' || name === 'graphql.html' ? pages[name] : undefined;
    const asset = assets.get(name);
    const headers = { 'content-security-policy': csp, 'x-content-type-options': 'nosniff', 'x-frame-options': 'DENY', 'referrer-policy': 'no-referrer' };
    if (page !== undefined) return void res.writeHead(200, { ...headers, 'content-type': 'text/html; charset=utf-8' }).end(page);
    if (asset !== undefined) return void res.writeHead(200, { ...headers, 'content-type': asset.contentType }).end(asset.body);
    if (name === HOSTED_SIGN_IN_CONFIG_FILE) return void res.writeHead(200, { ...headers, 'content-type': 'application/json' }).end(JSON.stringify(options.hostedSignIn(origin)));
    // A private bucket behind OAC answers 403 for a missing key.
    res.writeHead(403, headers).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { origin, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
