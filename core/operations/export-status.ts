// The status endpoint and output files of a $export job (Bulk Data Access IG v2.0.0,
// https://hl7.org/fhir/uv/bulkdata/export.html#bulk-data-status-request,
// #bulk-data-delete-request, #file-request). A job is visible to the caller who started it
// only; to anyone else it does not exist (404).
import { ERROR_FILE } from '../bulk/export-urls';
import type { CoreDeps } from '../core-deps';
import { FhirError } from '../errors/fhir-error';
import type { ExportJob } from '../ports/bulk-export';
import type { FhirRequest, FhirResponse } from '../request';
import { bulkExportOf } from '../bulk/export-settings';

async function ownJob(deps: CoreDeps, req: FhirRequest, jobId: string): Promise<ExportJob> {
  const job = await bulkExportOf(deps).jobs.get(req.context.tenant, jobId);
  if (job === undefined || job.principal.subject !== req.context.principal.subject || job.tenant !== req.context.tenant) {
    throw new FhirError('NOT_FOUND', `No export job ${jobId} (it may have expired or been cancelled)`);
  }
  return job;
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}): FhirResponse => ({
  status,
  headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
  body: JSON.stringify(body),
});

function progressOf(job: ExportJob): string {
  const done = job.output.reduce((n, f) => n + f.count, 0);
  const segment = job.segments[job.checkpoint.segment];
  const at = segment === undefined ? 'finishing' : `exporting ${segment.type} (${job.checkpoint.segment + 1} of ${job.segments.length})`;
  return `${at}; ${done} resources in ${job.output.length} files so far`;
}

/** GET (poll) or DELETE (cancel) [base]/$export-status/[id]. */
export async function exportStatus(deps: CoreDeps, req: FhirRequest, jobId: string): Promise<FhirResponse> {
  const bulk = bulkExportOf(deps);
  const job = await ownJob(deps, req, jobId);
  if (req.method === 'DELETE') {
    // export.html#bulk-data-delete-request: 202, and the server removes the files. A runner in
    // the middle of a file notices at its next checkpoint (ExportJobStore.save returns false).
    await bulk.jobs.delete(job.tenant, job.id);
    await bulk.files.remove(job);
    return json(202, { resourceType: 'OperationOutcome', issue: [{ severity: 'information', code: 'informational', diagnostics: `Export job ${job.id} cancelled; its files are deleted` }] });
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') throw new FhirError('METHOD_NOT_ALLOWED', 'The status URL takes GET (poll) or DELETE (cancel)');
  if (job.status === 'accepted' || job.status === 'in-progress') {
    return { status: 202, headers: { 'x-progress': progressOf(job), 'retry-after': String(bulk.settings.retryAfterSeconds) } };
  }
  if (job.status === 'failed') {
    const body = { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'exception', diagnostics: `The export failed: ${job.failure ?? 'unknown error'}` }] };
    return { status: 500, headers: { 'content-type': 'application/fhir+json; charset=utf-8' }, body: JSON.stringify(body) };
  }
  const files = bulk.files;
  const output = await Promise.all(job.output.filter((f) => f.name !== ERROR_FILE).map(async (f) => ({ type: f.type, url: await files.url(job, f.name), count: f.count })));
  const errors = await Promise.all(job.output.filter((f) => f.name === ERROR_FILE).map(async (f) => ({ type: 'OperationOutcome', url: await files.url(job, f.name), count: f.count })));
  const manifest = {
    transactionTime: job.transactionTime,
    request: job.request,
    requiresAccessToken: files.requiresAccessToken,
    output,
    error: errors,
  };
  const headers: Record<string, string> = job.expiresAt !== undefined ? { expires: new Date(job.expiresAt).toUTCString() } : {};
  return json(200, manifest, headers);
}

/** GET [base]/$export-file/[id]/[name]: an output file, with the same bearer token (requiresAccessToken). */
export async function exportFile(deps: CoreDeps, req: FhirRequest, jobId: string, name: string): Promise<FhirResponse> {
  if (req.method !== 'GET' && req.method !== 'HEAD') throw new FhirError('METHOD_NOT_ALLOWED', 'Export files are read with GET');
  const bulk = bulkExportOf(deps);
  const job = await ownJob(deps, req, jobId);
  const file = job.output.find((f) => f.name === name);
  const reader = bulk.files.read;
  if (file === undefined || job.status !== 'completed' || reader === undefined) throw new FhirError('NOT_FOUND', `No file ${name} in export job ${jobId}`);
  const body = reader.call(bulk.files, job, name);
  if (body === undefined) throw new FhirError('NOT_FOUND', `The file ${name} of export job ${jobId} is gone`);
  const headers = { 'content-type': 'application/fhir+ndjson' };
  return req.method === 'HEAD' ? { status: 200, headers } : { status: 200, headers, stream: () => body };
}
