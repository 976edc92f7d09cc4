// Security headers for the HTML pages a browser gets from the local server (the console at `/`,
// the GraphQL IDE at /graphql); the CSP is the console's own (console/page.ts).
import { contentSecurityPolicy } from '../../console/page';

export const PAGE_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': contentSecurityPolicy(),
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cache-control': 'no-cache',
};
