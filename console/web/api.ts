// FHIR REST calls from the console, with the signed-in token.
import { authorizationHeader, pageConfig } from './session';

export interface Resource {
  readonly resourceType: string;
  readonly id?: string;
  readonly meta?: { readonly versionId?: string; readonly lastUpdated?: string };
  readonly [key: string]: unknown;
}

export interface Issue {
  readonly severity?: string;
  readonly code?: string;
  readonly diagnostics?: string;
  readonly details?: { readonly text?: string };
  readonly expression?: readonly string[];
}

export interface BundleEntry {
  readonly fullUrl?: string;
  readonly resource?: Resource;
  readonly request?: { readonly method?: string; readonly url?: string };
  readonly response?: { readonly status?: string };
}

export interface Bundle extends Resource {
  readonly total?: number;
  readonly link?: readonly { readonly relation: string; readonly url: string }[];
  readonly entry?: readonly BundleEntry[];
}

/** Dispatched on window when the server answers 401 to a call with a token (detail: the message). */
export const UNAUTHORIZED_EVENT = 'fhir-unauthorized';

export class FhirCallError extends Error {
  constructor(readonly status: number, readonly issues: readonly Issue[], message: string) {
    super(message);
  }
}

/** The FHIR base for the signed-in tenant. */
export function fhirBase(tenant?: string): string {
  const config = pageConfig();
  return config.multiTenancy && tenant !== undefined ? `${config.fhirRoot}/tenant/${encodeURIComponent(tenant)}` : config.fhirRoot;
}

export async function fhir<T extends Resource = Resource>(url: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/fhir+json', ...authorizationHeader(), ...init.headers };
  if (init.body !== undefined) headers['content-type'] = 'application/fhir+json';
  const response = await fetch(url, { method: init.method ?? 'GET', headers, ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }) });
  const text = await response.text();
  const parsed = (text === '' ? {} : JSON.parse(text)) as T;
  if (!response.ok) {
    const issues = parsed.resourceType === 'OperationOutcome' ? ((parsed as Resource)['issue'] as Issue[] | undefined) ?? [] : [];
    const first = issues[0];
    const error = new FhirCallError(response.status, issues, `${response.status}: ${first?.diagnostics ?? first?.details?.text ?? response.statusText}`);
    if (response.status === 401 && headers['authorization'] !== undefined) window.dispatchEvent(new CustomEvent(UNAUTHORIZED_EVENT, { detail: error.message }));
    throw error;
  }
  return parsed;
}
