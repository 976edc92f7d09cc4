// A small Bulk Data client over real HTTP (fetch), as a client of the IG would use the server:
// kick-off, poll the Content-Location, download the manifest's files with the bearer token.
import type { Resource } from '../../core/fhir-types';
import type { WriteOperation } from '../../core/ports/resource-store';
import type { TestServer } from '../http/local-server';

export interface Manifest {
  readonly transactionTime: string;
  readonly request: string;
  readonly requiresAccessToken: boolean;
  readonly output: readonly { readonly type: string; readonly url: string; readonly count: number }[];
  readonly error: readonly { readonly type: string; readonly url: string }[];
}

export interface KickOffOptions {
  readonly token?: string;
  readonly method?: 'GET' | 'POST';
  readonly body?: unknown;
  readonly prefer?: string;
}

export async function kickOff(server: TestServer, path: string, options: KickOffOptions = {}): Promise<{ status: number; location: string | null; json: Record<string, unknown>; headers: Headers }> {
  const headers: Record<string, string> = { prefer: options.prefer ?? 'respond-async', accept: 'application/fhir+json' };
  if (options.token !== undefined) headers['authorization'] = `Bearer ${options.token}`;
  const res = await server.request(path, { method: options.method ?? 'GET', headers, ...(options.body !== undefined ? { body: options.body } : {}) });
  return { status: res.status, location: res.headers.get('content-location'), json: res.json, headers: res.headers };
}

const auth = (token: string | undefined): Record<string, string> => (token === undefined ? {} : { authorization: `Bearer ${token}` });

/** Polls until the job is no longer 202; returns the final response. */
export async function poll(url: string, token?: string, timeoutMs = 20_000): Promise<{ status: number; json: Record<string, unknown>; headers: Headers }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await fetch(url, { headers: auth(token) });
    const text = await res.text();
    if (res.status !== 202 || Date.now() > deadline) return { status: res.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {}, headers: res.headers };
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export async function runExport(server: TestServer, path: string, options: KickOffOptions = {}): Promise<Manifest> {
  const started = await kickOff(server, path, options);
  if (started.status !== 202 || started.location === null) throw new Error(`kick-off answered ${started.status}: ${JSON.stringify(started.json)}`);
  const done = await poll(started.location, options.token);
  if (done.status !== 200) throw new Error(`export ended with ${done.status}: ${JSON.stringify(done.json)}`);
  return done.json as unknown as Manifest;
}

/** Every resource of the manifest's files, per type (each line parsed). */
export async function download(manifest: Manifest, token?: string): Promise<Map<string, Resource[]>> {
  const byType = new Map<string, Resource[]>();
  for (const file of manifest.output) {
    const res = await fetch(file.url, { headers: auth(token) });
    if (res.status !== 200) throw new Error(`download of ${file.url} answered ${res.status}`);
    const lines = (await res.text()).split('\n').filter((l) => l !== '');
    if (lines.length !== file.count) throw new Error(`${file.url}: ${lines.length} lines, manifest says ${file.count}`);
    byType.set(file.type, [...(byType.get(file.type) ?? []), ...lines.map((l) => JSON.parse(l) as Resource)]);
  }
  return byType;
}

export const idsOf = (resources: readonly Resource[] | undefined): string[] => (resources ?? []).map((r) => r.id ?? '').sort();

/** Writes resources straight through the store (fast seeding), indexed like the write path does. */
export async function seed(server: TestServer, resources: readonly Resource[], tenant = 'default'): Promise<void> {
  const deps = server.running.app.deps;
  const lastUpdated = new Date().toISOString();
  const writes: WriteOperation[] = resources.map((r) => {
    const resource = { ...r, meta: { versionId: '1', lastUpdated } };
    return { resourceType: r.resourceType, id: r.id ?? '', expectedVersionId: null, versionId: '1', lastUpdated, resource, index: deps.extractIndex(resource) };
  });
  await deps.store.commit(tenant, writes);
}
