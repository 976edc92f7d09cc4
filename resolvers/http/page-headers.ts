// Security headers for the HTML pages a browser gets (the console at `/`, the GraphQL IDE at
// /graphql). Issue 15 asks for a Content-Security-Policy without `unsafe-inline` scripts: every
// script is a bundled file from this origin and settings travel in data- attributes.
// `style-src 'unsafe-inline'` stays because GraphiQL's CodeMirror positions elements with style
// attributes (CSP3 §6.1.3 blocks those otherwise); styles cannot run code.

/** connect-src 'self' covers ws: to the same host (CSP3 §6.7.2.2, "self" matches ws/wss). */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "frame-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export const PAGE_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cache-control': 'no-cache',
};

export function escapeAttribute(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** `data-*` attributes from a record (camelCase keys become kebab-case, as dataset expects). */
export function dataAttributes(values: Readonly<Record<string, string>>): string {
  return Object.entries(values)
    .map(([key, value]) => `data-${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}="${escapeAttribute(value)}"`)
    .join(' ');
}
