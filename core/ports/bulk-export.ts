// Ports of Bulk Data $export (https://hl7.org/fhir/uv/bulkdata/export.html; DESIGN.md "Next
// capabilities": background work runs off a durable record). Each port has an embedded adapter
// (SQLite, filesystem, in-process runner) and an AWS one (DynamoDB, S3, self-re-invoking Lambda).
import type { Principal } from '../request';

export type ExportLevel = 'system' | 'patient' | 'group';
export type ExportStatus = 'accepted' | 'in-progress' | 'completed' | 'failed';

/** One piece of work of a job: a resource type, optionally narrowed by one `_typeFilter` query. */
export interface ExportSegment {
  readonly type: string;
  /** A search query string (`code=x&date=ge2020`), run with the search engine. */
  readonly filter?: string;
  /** Earlier filters of the same type: a resource they matched is not written twice. */
  readonly earlierFilters?: readonly string[];
}

/** Where a job stands; saved after every file, so a restart resumes exactly there. */
export interface ExportCheckpoint {
  readonly segment: number;
  /** Opaque position inside the segment (SnapshotSource or search cursor); undefined = start. */
  readonly cursor?: string;
  /** Number of the next file of the segment's type (1-based). */
  readonly fileNumber: number;
}

export interface ExportOutputFile {
  readonly type: string;
  /** File name inside the job, e.g. `Patient-1.ndjson`. */
  readonly name: string;
  readonly count: number;
}

export interface ExportJob {
  readonly id: string;
  readonly tenant: string;
  /** The caller who started it; only they see it (bulk-data export.html#bulk-data-status-request). */
  readonly principal: Principal;
  readonly baseUrl: string;
  readonly level: ExportLevel;
  /** The kick-off request URL, echoed in the manifest's `request`. */
  readonly request: string;
  /** FHIR instant of the snapshot: resources written after it are not exported. */
  readonly transactionTime: string;
  /** The SnapshotSource's opaque mark taken at transactionTime. */
  readonly snapshot: string;
  readonly since?: string;
  readonly segments: readonly ExportSegment[];
  /** Patient ids the export is limited to (Group members, `patient`); undefined = any patient. */
  readonly patients?: readonly string[];
  readonly status: ExportStatus;
  readonly checkpoint: ExportCheckpoint;
  readonly output: readonly ExportOutputFile[];
  /** OperationOutcome issues for the manifest's `error` file (warnings included). */
  readonly issues: readonly { readonly severity: 'error' | 'warning' | 'information'; readonly code: string; readonly diagnostics: string }[];
  /** Why the job failed (status `failed`). */
  readonly failure?: string;
  readonly createdAt: string;
  /** When the job and its files are deleted (set when it ends). */
  readonly expiresAt?: string;
}

/** The durable job record: a SQLite row locally, a DynamoDB item on AWS. */
/** Running jobs allowed at once (export.html leaves limits to the server; 429 beyond them). */
export interface ExportJobLimits {
  readonly perCaller: number;
  readonly perTenant: number;
}

export interface ExportJobStore {
  /**
   * Records a new job unless the caller (same tenant and subject) or the tenant already has as
   * many running jobs as the limits allow; the check and the insert are one atomic step.
   */
  create(job: ExportJob, limits: ExportJobLimits): Promise<'created' | 'caller-limit' | 'tenant-limit'>;
  get(tenant: string, id: string): Promise<ExportJob | undefined>;
  /**
   * Saves progress; returns false (and saves nothing) when the job no longer exists or has
   * ended, i.e. it was cancelled meanwhile.
   */
  save(job: ExportJob): Promise<boolean>;
  delete(tenant: string, id: string): Promise<void>;
  /** Jobs still to run (accepted or in progress), for resuming after a restart. */
  active(): Promise<readonly ExportJob[]>;
  /** Ended jobs whose expiresAt is before `now`. */
  expired(now: string): Promise<readonly ExportJob[]>;
}

/** Writes one output file; nothing is visible until commit. */
export interface ExportFileWriter {
  append(text: string): Promise<void>;
  /** Makes the file complete and visible (rename; S3 CompleteMultipartUpload). */
  commit(): Promise<void>;
  abort(): Promise<void>;
}

/** Where output files live: a directory locally, the exports bucket on AWS. */
export interface ExportFiles {
  /** True when downloads need the bearer token (files served by this server), false for presigned URLs. */
  readonly requiresAccessToken: boolean;
  /** Starts (or restarts from nothing) a file of the job. */
  writer(job: ExportJob, name: string): Promise<ExportFileWriter>;
  /** The URL a client downloads the file from. */
  url(job: ExportJob, name: string): Promise<string>;
  /**
   * The file's bytes, for servers that serve the files themselves; undefined when absent. The
   * file is opened only when the iterable is iterated.
   */
  read?(job: ExportJob, name: string): AsyncIterable<Uint8Array> | undefined;
  /** Removes every file of the job. */
  remove(job: ExportJob): Promise<void>;
}

/** One resource as stored at the snapshot. */
export interface SnapshotRow {
  readonly resourceType: string;
  readonly id: string;
  readonly lastUpdated: string;
  /** The resource's JSON text, written to the file as is. */
  readonly json: string;
}

export interface SnapshotPage {
  readonly rows: readonly SnapshotRow[];
  /** Position after the last row scanned (rows may be fewer than scanned); undefined at the end. */
  readonly nextCursor?: string;
}

/**
 * Resources as they were at a mark (export.html: "transactionTime"), read page by page so no
 * type is ever held in memory.
 */
export interface SnapshotSource {
  /** A mark for "now": every commit acknowledged before the call is at or before it. */
  mark(tenant: string): Promise<string>;
  /** The non-deleted resources of a type at the mark, changed at or after `since`, in a stable order. */
  scan(tenant: string, resourceType: string, mark: string, options: { readonly since?: string; readonly cursor?: string; readonly limit: number }): Promise<SnapshotPage>;
  /** The versions current at the mark of these resources (undefined: not existing or deleted then). */
  readAt(tenant: string, keys: readonly { readonly resourceType: string; readonly id: string }[], mark: string): Promise<(SnapshotRow | undefined)[]>;
}

/** Runs jobs in the background: an in-process loop locally, a self-re-invoking Lambda on AWS. */
export interface ExportRunner {
  /** Starts work on a new job (or resumes one); returns once it is queued. */
  schedule(job: ExportJob): Promise<void>;
}
