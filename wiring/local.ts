import { join, resolve } from 'node:path';
import { CachingTokenVerifier } from '../adapters/auth/caching-token-verifier';
import { createDevIssuer, createLocalVerifier, type DevIssuer } from '../adapters/auth/dev-issuer';
import { loadAccessPolicyConfigFile } from '../adapters/auth/access-policy-file';
import { FilesystemBinaryStore } from '../adapters/embedded/filesystem-binary-store';
import { FilesystemExportFiles } from '../adapters/embedded/filesystem-export-files';
import { InProcessExportRunner } from '../adapters/embedded/in-process-export-runner';
import { SqliteExportJobStore } from '../adapters/embedded/sqlite-export-jobs';
import { SqliteSnapshotSource } from '../adapters/embedded/sqlite-snapshot-source';
import { InProcessChangeFeed } from '../adapters/embedded/in-process-change-feed';
import { SqliteSearchIndex } from '../adapters/embedded/sqlite-search-index';
import { sqliteSearchIndexWriter } from '../adapters/embedded/sqlite-search-writer';
import { SqliteResourceStore } from '../adapters/embedded/sqlite-store';
import { allowAllPolicy } from '../core/authz/access-policy';
import type { AccessPolicyConfig } from '../core/authz/access-policy-config';
import { createAccessPolicy } from '../core/authz/create-access-policy';
import { defaultExportSettings, type BulkExportDeps } from '../core/bulk/export-settings';
import { runExportSlice } from '../core/bulk/run-export';
import { sweepExpiredExports } from '../core/bulk/sweep-exports';
import type { CoreConfig } from '../core/config';
import type { CoreDeps } from '../core/core-deps';
import type { AuditSink } from '../core/ports/audit-sink';
import { createCoreDeps, SERVER_INFO } from '../core/create-core-deps';
import type { FrontDoor } from '../core/http/front-door';
import { requiredProfiles, type LocalConfig } from './config';
import { registryFromFiles } from './ig-registry';
import { createLogger } from './logger';
import { createLocalAudit } from './local-audit';
import { createLocalDispatcher, endpointPolicyOf, SubscriptionPings, type LocalDispatcherOptions } from './local-subscriptions';

export interface LocalApp {
  readonly config: LocalConfig;
  readonly deps: CoreDeps;
  readonly door: FrontDoor;
  /** Absolute URL of the FHIR root (tenant bases hang below it when multi-tenancy is on). */
  readonly rootUrl: string;
  readonly changeFeed: InProcessChangeFeed;
  /** The dev issuer, unless auth is off. */
  readonly devIssuer: DevIssuer | undefined;
  readonly accessConfig: AccessPolicyConfig;
  /** The security audit log, unless FHIR_AUDIT_LOG is off. */
  readonly audit: AuditSink | undefined;
  /** Matches of websocket Subscriptions, for the R4 websocket channel. */
  readonly subscriptionPings: SubscriptionPings;
  close(): Promise<void>;
}

export interface LocalAppOptions {
  /** Keep the database in memory (tests); the data dir still holds the dev issuer keys. */
  readonly inMemory?: boolean;
  /** The port actually bound, when PORT was 0. */
  readonly boundPort?: number;
  /** Test seams of the Subscription dispatcher (name resolution, HTTP sender). */
  readonly subscriptions?: LocalDispatcherOptions;
}

export { SERVER_INFO };

/** The composition root of the local (embedded) home: SQLite, in-process feed, dev issuer. */
export function createLocalApp(config: LocalConfig, options: LocalAppOptions = {}): LocalApp {
  const dataDir = resolve(config.FHIR_DATA_DIR);
  const port = options.boundPort ?? config.PORT;
  const rootUrl = (config.FHIR_BASE_URL ?? `http://${config.HOST}:${port}/fhir`).replace(/\/+$/, '');
  const log = createLogger(config.LOG_LEVEL);
  const coreConfig: CoreConfig = {
    multiTenancy: config.FHIR_MULTI_TENANCY,
    updateCreate: config.FHIR_UPDATE_CREATE,
    maxBodyBytes: config.FHIR_MAX_BODY_BYTES,
    maxBundleEntries: config.FHIR_MAX_BUNDLE_ENTRIES,
    defaultPageSize: 20,
    maxPageSize: config.FHIR_MAX_PAGE_SIZE,
    maxJsonDepth: 64,
    profiles: { unknownProfile: config.FHIR_UNKNOWN_PROFILE, unknownExtensions: config.FHIR_UNKNOWN_EXTENSIONS, requiredProfiles: requiredProfiles(config.FHIR_REQUIRED_PROFILES) },
    subscriptionEndpoints: endpointPolicyOf(config),
    ...(config.FHIR_SUBSCRIPTIONS ? { subscriptionChannels: ['rest-hook', 'websocket'], websocketUrl: `${rootUrl.replace(/^http/, 'ws')}/websocket` } : {}),
  };
  const registry = registryFromFiles(config.FHIR_IG_PACKAGES, log);
  const store = new SqliteResourceStore({ filename: options.inMemory ? ':memory:' : join(dataDir, 'fhir.sqlite'), indexWriter: sqliteSearchIndexWriter, synchronous: config.FHIR_SQLITE_SYNCHRONOUS });
  const changeFeed = new InProcessChangeFeed({
    onListenerError: (error, change) => log.error('change listener failed', { resource: `${change.resourceType}/${change.id}`, error: String(error) }),
  });
  const devIssuer = config.FHIR_AUTH_MODE === 'none' ? undefined : createDevIssuer(dataDir);
  const accessConfig: AccessPolicyConfig = {
    ...loadAccessPolicyConfigFile(config.FHIR_ACCESS_POLICY_FILE ?? join(__dirname, '..', 'config', 'access-policy.json')),
    ...(config.FHIR_AUTH_MODE === 'none' ? {} : { mode: config.FHIR_AUTH_MODE === 'smart' ? 'smart' : 'cognito-groups' }),
  };
  const access = config.FHIR_AUTH_MODE === 'none' ? allowAllPolicy : createAccessPolicy(accessConfig, { multiTenancy: config.FHIR_MULTI_TENANCY });
  const binaries = new FilesystemBinaryStore({ directory: join(dataDir, 'binaries') });
  const runner = new InProcessExportRunner({ onError: (error, job) => log.error('export slice failed', { job: job.id, error: String(error) }) });
  const bulkExport: BulkExportDeps = {
    jobs: new SqliteExportJobStore(store.database),
    files: new FilesystemExportFiles(join(dataDir, 'exports')),
    source: new SqliteSnapshotSource(store.database),
    runner,
    settings: {
      ...defaultExportSettings,
      maxResourcesPerFile: config.FHIR_EXPORT_MAX_RESOURCES_PER_FILE,
      maxFileBytes: config.FHIR_EXPORT_MAX_FILE_BYTES,
      expirySeconds: config.FHIR_EXPORT_EXPIRY_SECONDS,
      systemExportGroups: config.FHIR_EXPORT_SYSTEM_GROUPS,
      maxJobsPerCaller: config.FHIR_EXPORT_MAX_JOBS_PER_CALLER,
      maxJobsPerTenant: config.FHIR_EXPORT_MAX_JOBS_PER_TENANT,
    },
  };
  // The AuditEvent writer writes through the core it audits: it gets the core once built.
  const built: { deps?: CoreDeps } = {};
  const audit = createLocalAudit(config, dataDir, () => {
    if (built.deps === undefined) throw new Error('the core is not built yet');
    return built.deps;
  }, log);
  const deps = createCoreDeps({ config: coreConfig, registry, store, binaries, index: new SqliteSearchIndex(store.database, { registry }), changeFeed, access, log, bulkExport, ...(audit !== undefined ? { audit } : {}) });
  built.deps = deps;
  // Export jobs run off their rows: resume every job a previous run left unfinished.
  runner.start((tenant, jobId) => runExportSlice(deps, tenant, jobId));
  void bulkExport.jobs.active().then((jobs) => Promise.all(jobs.map((job) => runner.schedule(job))));
  const sweep = (): void => {
    sweepExpiredExports(deps).catch((error: unknown) => log.error('export expiry sweep failed', { error: String(error) }));
  };
  sweep();
  const sweeper = setInterval(sweep, Math.min(config.FHIR_EXPORT_EXPIRY_SECONDS, 60) * 1000);
  sweeper.unref();
  const subscriptionPings = new SubscriptionPings();
  const tenantBase = (tenant: string): string => (config.FHIR_MULTI_TENANCY ? `${rootUrl}/tenant/${tenant}` : rootUrl);
  const dispatcher = config.FHIR_SUBSCRIPTIONS ? createLocalDispatcher(config, deps, store.database, tenantBase, subscriptionPings, options.subscriptions ?? {}) : undefined;
  dispatcher?.start();
  const verifier = devIssuer ? new CachingTokenVerifier(createLocalVerifier(devIssuer, config.FHIR_AUTH_MODE === 'smart' ? 'smart' : 'cognito')) : undefined;
  return {
    config,
    deps,
    door: { deps, info: SERVER_INFO, verifier },
    rootUrl,
    changeFeed,
    devIssuer,
    accessConfig,
    subscriptionPings,
    audit,
    close: async () => {
      clearInterval(sweeper);
      await runner.stop();
      await dispatcher?.stop();
      await audit?.close();
      await store.close();
    },
  };
}
