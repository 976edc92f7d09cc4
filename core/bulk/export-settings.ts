import type { CoreDeps } from '../core-deps';
import { FhirError } from '../errors/fhir-error';
import type { ExportFiles, ExportJobStore, ExportRunner, SnapshotSource } from '../ports/bulk-export';

/** Limits and policy of $export; parsed once in wiring/config.ts (README "Settings"). */
export interface ExportSettings {
  /** A file is split after this many resources (export.html: servers may split output files). */
  readonly maxResourcesPerFile: number;
  /** ... or after about this many bytes (one read page may go over). */
  readonly maxFileBytes: number;
  /** Files and job records are deleted this long after a job ends. */
  readonly expirySeconds: number;
  /** Cognito groups that may start a system-level export (SMART: any system/ scope). */
  readonly systemExportGroups: readonly string[];
  /** Running jobs per caller and per tenant; beyond them a kick-off is 429 with Retry-After. */
  readonly maxJobsPerCaller: number;
  readonly maxJobsPerTenant: number;
  /** Rows read per page from the snapshot or the search index. */
  readonly pageSize: number;
  /** Retry-After for status polls of a running job, in seconds. */
  readonly retryAfterSeconds: number;
}

export const defaultExportSettings: ExportSettings = {
  maxResourcesPerFile: 100_000,
  maxFileBytes: 1024 * 1024 * 1024,
  expirySeconds: 24 * 3600,
  systemExportGroups: ['practitioner'],
  maxJobsPerCaller: 2,
  maxJobsPerTenant: 5,
  pageSize: 1000,
  retryAfterSeconds: 2,
};

/** What $export needs from the home (CoreDeps.bulkExport); without it $export is 501. */
export interface BulkExportDeps {
  readonly jobs: ExportJobStore;
  readonly files: ExportFiles;
  readonly source: SnapshotSource;
  readonly runner: ExportRunner;
  readonly settings: ExportSettings;
}

export function bulkExportOf(deps: Pick<CoreDeps, 'bulkExport'>): BulkExportDeps {
  if (deps.bulkExport === undefined) throw new FhirError('NOT_IMPLEMENTED', 'Bulk Data $export is not available on this server');
  return deps.bulkExport;
}
