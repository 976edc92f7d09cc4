// Where an import goes: the local data directory through the core directly (no HTTP, the fast
// path), or any FHIR server over HTTP. Both take a Bundle and give back its response Bundle, or
// an OperationOutcome when the whole Bundle failed.
import type { FhirResponse } from '../../core/request';
import type { Resource } from '../../core/fhir-types';
import { ANONYMOUS } from '../../core/http/front-door';
import { handleRequest } from '../../core/http/handle-request';
import type { LocalConfig } from '../../wiring/config';
import { createLocalApp, SERVER_INFO } from '../../wiring/local';

export interface SinkResult {
  readonly status: number;
  readonly body: Resource | undefined;
}

export interface ImportSink {
  submit(bundle: Resource): Promise<SinkResult>;
  close(): Promise<void>;
}

function parsed(status: number, text: string): SinkResult {
  try {
    return { status, body: text === '' ? undefined : (JSON.parse(text) as Resource) };
  } catch {
    return { status, body: { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'exception', diagnostics: `HTTP ${status}: ${text.slice(0, 200)}` }] } };
  }
}

/**
 * The local data directory, written by this process through the same core as the server
 * (validation, indexing, transactions), with authorization off: the operator owns the files.
 */
export function localSink(config: LocalConfig, tenant: string): ImportSink {
  const app = createLocalApp({ ...config, FHIR_AUTH_MODE: 'none', FHIR_MAX_BODY_BYTES: 1024 * 1024 * 1024, FHIR_MAX_BUNDLE_ENTRIES: 1_000_000 });
  let n = 0;
  return {
    async submit(bundle) {
      n += 1;
      const response: FhirResponse = await handleRequest(app.deps, SERVER_INFO, {
        method: 'POST',
        path: [],
        query: [],
        headers: { 'content-type': 'application/fhir+json', accept: 'application/fhir+json' },
        body: { contentType: 'application/fhir+json', text: JSON.stringify(bundle) },
        context: { principal: ANONYMOUS, tenant, baseUrl: app.rootUrl, correlationId: `import-${n}` },
      });
      return parsed(response.status, typeof response.body === 'string' ? response.body : '');
    },
    close: () => app.close(),
  };
}

/** Any FHIR server: POST [base] with the Bundle (http.html#transaction), bearer token if given. */
export function httpSink(base: string, token: string | undefined): ImportSink {
  return {
    async submit(bundle) {
      const headers: Record<string, string> = { 'content-type': 'application/fhir+json', accept: 'application/fhir+json' };
      if (token !== undefined) headers['authorization'] = `Bearer ${token}`;
      const res = await fetch(base.replace(/\/+$/, ''), { method: 'POST', headers, body: JSON.stringify(bundle) });
      return parsed(res.status, await res.text());
    },
    close: () => Promise.resolve(),
  };
}
