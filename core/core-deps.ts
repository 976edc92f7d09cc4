import type { AccessPolicy } from './authz/access-policy';
import type { BulkExportDeps } from './bulk/export-settings';
import type { CoreConfig } from './config';
import type { Resource } from './fhir-types';
import type { AuditSink } from './ports/audit-sink';
import type { BinaryStore } from './ports/binary-store';
import type { ChangeFeed } from './ports/change-feed';
import type { ResourceStore } from './ports/resource-store';
import type { DefinitionRegistry } from './registry/registry';
import type { SearchEngine } from './search-engine';
import type { ProfileValidator } from './validation/profiles/profile-validator';
import type { IndexEntry } from './search/index-entry';

export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** What the core needs from its runtime; built by a composition root in wiring/. */
export interface CoreDeps {
  readonly config: CoreConfig;
  /** R4 definitions plus the IG packages loaded: profiles, search parameters, value sets. */
  readonly registry: DefinitionRegistry;
  readonly store: ResourceStore;
  /** Where Binary content lives (binary.html); without one it stays inline in the resource. */
  readonly binaries?: BinaryStore;
  readonly changeFeed: ChangeFeed;
  /** The security audit log (issue 13); none when off. */
  readonly audit?: AuditSink;
  readonly access: AccessPolicy;
  /** Search, including the match-finding behind conditional interactions. */
  readonly search: SearchEngine;
  /** Throws FhirError INVALID_RESOURCE with every issue found (R4 structure, then profiles). */
  readonly validate: (resource: Resource) => void;
  /** Issues of a resource against its claimed, required and `extra` profiles (errors and warnings). */
  readonly checkProfiles: ProfileValidator;
  /** Search index values of a resource, extracted once in the core. */
  readonly extractIndex: (resource: Resource) => IndexEntry[];
  readonly isResourceType: (name: string) => boolean;
  readonly resourceTypes: readonly string[];
  readonly clock: () => Date;
  readonly newId: () => string;
  readonly log: Logger;
  /** Bulk Data $export (jobs, files, snapshot reads, runner); absent: $export answers 501. */
  readonly bulkExport?: BulkExportDeps;
}
