// What a person or a probe finds beside the FHIR API (issue 15): /healthz, /readyz and the root
// document at `/` that points to the FHIR base, GraphQL, the console and the docs.
import { HEALTH_PATHS, liveness, readiness } from '../core/http/health';
import type { FhirResponse } from '../core/request';
import type { LocalApp } from '../wiring/local';
import type { ExtraRoute } from './http-server';

export const DOCS_URL = 'https://hl7.org/fhir/R4/http.html';

export interface RootLinks {
  readonly fhir: string;
  readonly metadata: string;
  readonly graphql: string;
  readonly subscriptions: string;
  readonly console: string;
  readonly health: string;
  readonly readiness: string;
  readonly docs: string;
}

/** Absolute links for the root document; `origin` is http://host:port of this server. */
export function rootLinks(app: LocalApp, origin: string): RootLinks {
  const tenantHint = app.config.FHIR_MULTI_TENANCY ? '/tenant/{tenantId}' : '';
  return {
    fhir: `${app.rootUrl}${tenantHint}`,
    metadata: `${app.rootUrl}${tenantHint}/metadata`,
    graphql: app.config.FHIR_MULTI_TENANCY ? `${app.rootUrl}${tenantHint}/$graphql` : `${origin}/graphql`,
    subscriptions: `${origin.replace(/^http/, 'ws')}/graphql`,
    console: `${origin}/`,
    health: `${origin}${HEALTH_PATHS.liveness}`,
    readiness: `${origin}${HEALTH_PATHS.readiness}`,
    docs: DOCS_URL,
  };
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** The root page for a browser without the console's script: plain links, no script at all. */
export function rootPage(links: RootLinks): string {
  const item = (label: string, href: string, note: string): string => `<li><a href="${escapeHtml(href)}">${escapeHtml(label)}</a> ${escapeHtml(note)}</li>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>FHIR R4 server</title></head>
<body><h1>FHIR R4 server</h1><ul>
${item('FHIR REST base', links.fhir, '(application/fhir+json; needs a bearer token unless auth is off)')}
${item('CapabilityStatement', links.metadata, '')}
${item('GraphQL IDE', links.graphql, '')}
${item('Console', links.console, '')}
${item('FHIR R4 HTTP specification', links.docs, '')}
</ul></body></html>
`;
}

const wantsHtml = (accept: string | undefined): boolean => (accept ?? '').split(',').some((part) => part.trim().toLowerCase().startsWith('text/html'));

/** `origin` of the request as the client addressed it (Host header), for links that work from where it stands. */
export function requestOrigin(host: string | undefined, fallback: string): string {
  return host !== undefined && /^[A-Za-z0-9.[\]:-]+$/.test(host) ? `http://${host}` : fallback;
}

/**
 * Health routes and the root document. `html` renders the root page for a browser (the console
 * shell once it is mounted); JSON otherwise (`Accept: application/json`, curl's default).
 */
export function siteRoutes(getApp: () => LocalApp | undefined, html: (links: RootLinks) => FhirResponse = (links) => ({ status: 200, headers: { 'content-type': 'text/html; charset=utf-8' }, body: rootPage(links) })): ExtraRoute[] {
  return [
    (req, url) => {
      if (req.method !== 'GET' && req.method !== 'HEAD') return Promise.resolve(undefined);
      if (url.pathname === HEALTH_PATHS.liveness) return Promise.resolve(liveness());
      if (url.pathname === HEALTH_PATHS.readiness) return readiness(getApp()?.deps.store);
      if (url.pathname !== '/') return Promise.resolve(undefined);
      const app = getApp();
      if (app === undefined) return readiness(undefined);
      const links = rootLinks(app, requestOrigin(req.headers.host, new URL(app.rootUrl).origin));
      if (wantsHtml(req.headers.accept)) return Promise.resolve(html(links));
      return Promise.resolve({ status: 200, headers: { 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify({ name: 'fhir-gateway', fhirVersion: '4.0.1', links }) });
    },
  ];
}
