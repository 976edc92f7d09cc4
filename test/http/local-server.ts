import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalServer, type RunningServer } from '../../local/start';
import type { LocalAppOptions } from '../../wiring/local';
import { parseLocalConfig } from '../../wiring/config';

export interface TestServer {
  readonly running: RunningServer;
  readonly base: string;
  readonly dataDir: string;
  /** fetch against the FHIR base with JSON defaults. */
  request(path: string, init?: FhirFetchInit): Promise<FhirResponseView>;
  stop(): Promise<void>;
}

export interface FhirFetchInit {
  readonly method?: string;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
  /** Send the body as-is (a string), not JSON-encoded. */
  readonly rawBody?: string;
}

export interface FhirResponseView {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** The parsed JSON body (an empty object when there is none). */
  readonly json: Record<string, unknown> & { resourceType?: string };
}

/**
 * Starts the real local server on 127.0.0.1 with a random port and an in-memory database.
 * Auth is off unless the test passes FHIR_AUTH_MODE.
 */
export async function startTestServer(env: Record<string, string> = {}, options: Omit<LocalAppOptions, 'boundPort'> = { inMemory: true }, extra?: Parameters<typeof startLocalServer>[2]): Promise<TestServer> {
  const dataDir = env['FHIR_DATA_DIR'] ?? mkdtempSync(join(tmpdir(), 'fhir-test-'));
  // Idle connections outlive fetch's own keep-alive (4 s): on a loaded machine a 5 s server
  // timeout races the client's reuse of the socket and fails a request with ECONNRESET.
  const config = parseLocalConfig({ PORT: '0', HOST: '127.0.0.1', FHIR_AUTH_MODE: 'none', LOG_LEVEL: 'silent', FHIR_KEEP_ALIVE_TIMEOUT_MS: '65000', ...env, FHIR_DATA_DIR: dataDir });
  const running = await startLocalServer(config, { ...options, inMemory: options.inMemory ?? true }, extra);
  const base = running.rootUrl;
  return {
    running,
    base,
    dataDir,
    request: (path, init) => fhirRequest(base, path, init),
    stop: async () => {
      await running.close();
      if (env['FHIR_DATA_DIR'] === undefined) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** fetch against a FHIR base (an absolute URL is used as is) with JSON defaults. */
export async function fhirRequest(base: string, path: string, init: FhirFetchInit = {}): Promise<FhirResponseView> {
  const url = path.startsWith('http') ? path : `${base}${path.startsWith('/') ? '' : '/'}${path}`;
  const headers: Record<string, string> = { accept: 'application/fhir+json', ...init.headers };
  let body: string | undefined = init.rawBody;
  if (init.body !== undefined) {
    body = JSON.stringify(init.body);
    headers['content-type'] ??= 'application/fhir+json';
  }
  const response = await fetch(url, { method: init.method ?? 'GET', headers, ...(body !== undefined ? { body } : {}) });
  const text = await response.text();
  let json: Record<string, unknown> = {};
  try {
    json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    json = {};
  }
  return { status: response.status, headers: response.headers, text, json };
}

export function issueOf(json: Record<string, unknown>): { code?: string; diagnostics?: string; expression?: string[] } {
  const issues = json['issue'] as { code?: string; diagnostics?: string; expression?: string[] }[] | undefined;
  return issues?.[0] ?? {};
}
