// A real local core (SQLite in memory, the configured access policy) for the GraphQL suites,
// with a store decorator that counts the reads the resolvers make.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CoreDeps } from '../../core/core-deps';
import type { ResourceKey, ResourceStore, StoredVersion } from '../../core/ports/resource-store';
import type { Principal, RequestContext } from '../../core/request';
import { createLocalApp, type LocalApp } from '../../wiring/local';
import { parseLocalConfig } from '../../wiring/config';

export interface ReadCounts {
  read: number;
  readMany: number;
  readManyKeys: number[];
  vread: number;
}

export interface GraphqlHarness {
  readonly app: LocalApp;
  /** The app's deps with the counting store. */
  readonly deps: CoreDeps;
  readonly counts: ReadCounts;
  resetCounts(): void;
  context(principal?: Partial<Principal>): RequestContext;
  close(): Promise<void>;
}

function countingStore(store: ResourceStore, counts: ReadCounts): ResourceStore {
  return {
    get maxAtomicWrites() {
      return store.maxAtomicWrites;
    },
    read: (tenant, type, id): Promise<StoredVersion | undefined> => {
      counts.read += 1;
      return store.read(tenant, type, id);
    },
    readMany: (tenant, keys: readonly ResourceKey[]) => {
      counts.readMany += 1;
      counts.readManyKeys.push(keys.length);
      return store.readMany(tenant, keys);
    },
    vread: (tenant, type, id, versionId) => {
      counts.vread += 1;
      return store.vread(tenant, type, id, versionId);
    },
    history: (tenant, query) => store.history(tenant, query),
    commit: (tenant, writes, options) => store.commit(tenant, writes, options),
    readGuard: (tenant, key) => store.readGuard(tenant, key),
    close: () => store.close(),
  };
}

export const BASE_URL = 'http://127.0.0.1:8080/fhir';

/** authMode 'cognito' applies config/access-policy.json (practitioner, non-practitioner, auditor). */
export function createHarness(authMode: 'none' | 'cognito' = 'none'): GraphqlHarness {
  const dataDir = mkdtempSync(join(tmpdir(), 'fhir-graphql-'));
  const app = createLocalApp(parseLocalConfig({ FHIR_AUTH_MODE: authMode, LOG_LEVEL: 'silent', FHIR_DATA_DIR: dataDir, PORT: '0' }), { inMemory: true });
  const counts: ReadCounts = { read: 0, readMany: 0, readManyKeys: [], vread: 0 };
  const deps: CoreDeps = { ...app.deps, store: countingStore(app.deps.store, counts) };
  return {
    app,
    deps,
    counts,
    resetCounts() {
      counts.read = 0;
      counts.readMany = 0;
      counts.readManyKeys = [];
      counts.vread = 0;
    },
    context(principal = {}) {
      const base: Principal = authMode === 'none'
        ? { subject: 'anonymous', groups: [], scopes: [], unauthenticated: true }
        : { subject: 'user-1', groups: ['practitioner'], scopes: [] };
      return { principal: { ...base, ...principal }, tenant: 'default', baseUrl: BASE_URL, correlationId: randomUUID() };
    },
    async close() {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
