// The console's HTML shell, shared by the local server (local/console-routes.ts) and the CDK app
// (the index.html in the console's S3 bucket). No inline script: settings travel in data-
// attributes and the bundles are files from the same origin (CSP script-src 'self').

export interface ShellLink {
  readonly href: string;
  readonly label: string;
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** `data-*` attributes from a record (camelCase keys become kebab-case, as dataset expects). */
export function dataAttributes(values: Readonly<Record<string, string>>): string {
  return Object.entries(values)
    .map(([key, value]) => `data-${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}="${escapeHtml(value)}"`)
    .join(' ');
}

/** `assetBase` is where console.js and console.css live: `/console/` locally, `./` on S3. */
export function consoleShell(assetBase: string, settings: Readonly<Record<string, string>>, links: readonly ShellLink[]): string {
  const nav = links.map((link) => `<a href="${escapeHtml(link.href)}">${escapeHtml(link.label)}</a>`).join(' ');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>FHIR console</title>
<link rel="stylesheet" href="${assetBase}console.css">
<script type="module" src="${assetBase}console.js"></script>
</head>
<body ${dataAttributes(settings)}>
<header class="bar"><a href="#/">FHIR console</a>
<nav aria-label="Links">${nav}</nav>
<span id="session" class="session"></span></header>
<main id="app" tabindex="-1"><noscript>The console needs JavaScript; the links above work without it.</noscript></main>
</body>
</html>
`;
}

/**
 * The console's Content-Security-Policy (issue 15: no `unsafe-inline` scripts): every script is a
 * bundled file from the page's origin. `style-src 'unsafe-inline'` stays because GraphiQL's
 * CodeMirror positions elements with style attributes (CSP3 §6.1.3 blocks those otherwise);
 * styles cannot run code. `connect-src 'self'` covers ws: to the same host (CSP3 matches ws/wss
 * for 'self'); `extraConnectSources` adds the API endpoints when they live elsewhere (AWS).
 */
export function contentSecurityPolicy(extraConnectSources: readonly string[] = []): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    ['connect-src', "'self'", ...extraConnectSources].join(' '),
    "frame-src 'self'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}
