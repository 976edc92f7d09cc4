import { randomUUID } from 'node:crypto';
import type { AccessPolicy } from './authz/access-policy';
import type { BulkExportDeps } from './bulk/export-settings';
import { defaultProfilePolicy, type CoreConfig } from './config';
import type { CoreDeps, Logger } from './core-deps';
import type { ServerInfo } from './http/handle-request';
import type { AuditSink } from './ports/audit-sink';
import type { BinaryStore } from './ports/binary-store';
import type { ChangeFeed } from './ports/change-feed';
import type { ResourceStore } from './ports/resource-store';
import type { SearchIndex } from './ports/search-index';
import { baseRegistry, type DefinitionRegistry } from './registry/registry';
import type { SearchEngine } from './search-engine';
import { createSearchEngine } from './search/engine';
import { terminologyOverSearch } from './terminology/stored-terminology';
import { extractIndexEntries } from './search/extract';
import { resourceTypes } from './validation/model';
import { fhirpathInvariant } from './validation/profiles/fhirpath-invariant';
import { createProfileValidator } from './validation/profiles/profile-validator';
import { assertValidResource, throwOnErrors } from './validation/validate-resource';

/** What differs between the homes: the adapters and the settings (DESIGN.md: the two homes). */
export interface CoreAdapters {
  readonly config: CoreConfig;
  readonly store: ResourceStore;
  readonly binaries?: BinaryStore;
  readonly index: SearchIndex;
  readonly changeFeed: ChangeFeed;
  readonly audit?: AuditSink;
  readonly access: AccessPolicy;
  readonly log: Logger;
  /** R4 plus IG packages; the R4 tables alone when not given. */
  readonly registry?: DefinitionRegistry;
  readonly bulkExport?: BulkExportDeps;
}

/** The software that answers, named in the CapabilityStatement. */
export const SERVER_INFO: ServerInfo = { name: 'fhir-gateway', version: '0.1.0', releaseDate: '2026-11-29' };

/** The generated type model holds R4 resource types only (tools/lib/medplum-definitions.ts isR4Definition). */
const typeSet = new Set(resourceTypes);

/** The core over one home's adapters; validation, indexing and search are the core's own. */
export function createCoreDeps(adapters: CoreAdapters): CoreDeps {
  const { config, store, index, changeFeed, access, log, binaries, bulkExport } = adapters;
  const registry = adapters.registry ?? baseRegistry;
  const checkProfiles = createProfileValidator(registry, config.profiles ?? defaultProfilePolicy, fhirpathInvariant);
  // Search modifiers that need terminology look stored CodeSystems and ValueSets up through the search itself.
  const search: SearchEngine = createSearchEngine({ index, store, access, config, registry, terminology: (ctx) => terminologyOverSearch(registry, search, store, ctx) });
  return {
    config,
    registry,
    store,
    ...(binaries !== undefined ? { binaries } : {}),
    changeFeed,
    ...(adapters.audit !== undefined ? { audit: adapters.audit } : {}),
    access,
    search,
    validate: (resource) => {
      assertValidResource(resource);
      throwOnErrors(checkProfiles(resource));
    },
    checkProfiles,
    extractIndex: (resource) => extractIndexEntries(resource, registry),
    isResourceType: (name) => typeSet.has(name),
    resourceTypes,
    clock: () => new Date(),
    newId: randomUUID,
    log,
    ...(bulkExport !== undefined ? { bulkExport } : {}),
  };
}
