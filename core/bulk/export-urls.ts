import type { ExportJob } from '../ports/bulk-export';

/** The status URL of a job (export.html#response---success: Content-Location). */
export function statusUrl(job: Pick<ExportJob, 'baseUrl' | 'id'>): string {
  return `${job.baseUrl}/$export-status/${job.id}`;
}

/** Where this server serves a job's file itself (requiresAccessToken: true). */
export function fileUrl(job: Pick<ExportJob, 'baseUrl' | 'id'>, name: string): string {
  return `${job.baseUrl}/$export-file/${job.id}/${encodeURIComponent(name)}`;
}

/** The manifest's error file (export.html#response---complete-status: error[]). */
export const ERROR_FILE = 'OperationOutcome-errors.ndjson';
