// The worker side of $export: one bounded slice of a job per call, ending at a file boundary
// with a checkpoint (DESIGN.md "Next capabilities": a restart resumes, nothing is done twice).
// The local runner calls it in a loop; on AWS each Lambda invocation runs one and re-invokes.
// Files are named by type and number, so a slice re-run after a crash rewrites the same file
// instead of adding a second copy of its resources.
import type { CoreDeps } from '../core-deps';
import { FhirError } from '../errors/fhir-error';
import type { Resource } from '../fhir-types';
import type { ExportCheckpoint, ExportFileWriter, ExportJob, ExportSegment, SnapshotPage, SnapshotRow } from '../ports/bulk-export';
import type { RequestContext } from '../request';
import { inPatientScope } from './export-membership';
import { bulkExportOf, type BulkExportDeps } from './export-settings';
import { ERROR_FILE } from './export-urls';

export type SliceResult = 'more' | 'done';

function contextOf(job: ExportJob): RequestContext {
  return { principal: job.principal, tenant: job.tenant, baseUrl: job.baseUrl, correlationId: `export-${job.id}` };
}

const paramsOf = (query: string): [string, string][] => [...new URLSearchParams(query)];

/** Runs one slice of the job; 'done' when it has ended (completed, failed, cancelled or gone). */
export async function runExportSlice(deps: CoreDeps, tenant: string, jobId: string): Promise<SliceResult> {
  const bulk = bulkExportOf(deps);
  const job = await bulk.jobs.get(tenant, jobId);
  if (job === undefined || job.status === 'completed' || job.status === 'failed') return 'done';
  try {
    return await runSlice(deps, bulk, job);
  } catch (error) {
    const failure = error instanceof FhirError ? error.message : `an unexpected error occurred (job ${job.id}; see the server log)`;
    deps.log.error('export job failed', { job: job.id, tenant, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    await bulk.jobs.save({ ...job, status: 'failed', failure, expiresAt: expiry(deps, bulk) });
    return 'done';
  }
}

function expiry(deps: CoreDeps, bulk: BulkExportDeps): string {
  return new Date(deps.clock().getTime() + bulk.settings.expirySeconds * 1000).toISOString();
}

interface FileResult {
  readonly count: number;
  readonly scanned: number;
  readonly cursor: string | undefined;
  readonly exhausted: boolean;
}

/**
 * Runs the job from its checkpoint until one file is written (or the read budget is spent),
 * passing over segments that have nothing, then saves the checkpoint: one durable write per file.
 */
async function runSlice(deps: CoreDeps, bulk: BulkExportDeps, job: ExportJob): Promise<SliceResult> {
  const { segments } = job;
  // A slice is bounded by what it writes and by what it reads (a narrow filter may read much and keep little).
  const budget = Math.max(bulk.settings.maxResourcesPerFile, bulk.settings.pageSize * 20);
  let checkpoint: ExportCheckpoint = job.checkpoint;
  let output = job.output;
  let scanned = 0;
  for (;;) {
    const segment = segments[checkpoint.segment];
    if (segment === undefined) break;
    const name = `${segment.type}-${checkpoint.fileNumber}.ndjson`;
    const file = await writeFile(deps, bulk, job, segment, name, checkpoint.cursor, budget - scanned);
    scanned += file.scanned;
    if (file.count > 0) output = [...output.filter((f) => f.name !== name), { type: segment.type, name, count: file.count }];
    const fileNumber = checkpoint.fileNumber + (file.count > 0 ? 1 : 0);
    checkpoint = file.exhausted
      ? { segment: checkpoint.segment + 1, fileNumber: segments[checkpoint.segment + 1]?.type === segment.type ? fileNumber : 1 }
      : { segment: checkpoint.segment, fileNumber, ...(file.cursor !== undefined ? { cursor: file.cursor } : {}) };
    if (file.count > 0 || !file.exhausted || scanned >= budget) break;
  }
  const progressed: ExportJob = { ...job, status: 'in-progress', checkpoint, output };
  if (segments[checkpoint.segment] === undefined) return finish(deps, bulk, progressed);
  if (!(await bulk.jobs.save(progressed))) {
    // Cancelled while this slice ran (export.html#bulk-data-delete-request): leave nothing behind.
    await bulk.files.remove(job);
    return 'done';
  }
  return 'more';
}

async function writeFile(
  deps: CoreDeps, bulk: BulkExportDeps, job: ExportJob, segment: ExportSegment, name: string, from: string | undefined, budget: number,
): Promise<FileResult> {
  const { settings } = bulk;
  const keep = rowFilter(deps, job, segment);
  // Opened at the first kept resource: most types of a system export have none.
  let writer: ExportFileWriter | undefined;
  let count = 0;
  let bytes = 0;
  let scanned = 0;
  let cursor = from;
  try {
    while (count < settings.maxResourcesPerFile && bytes < settings.maxFileBytes && scanned < budget) {
      const limit = Math.min(settings.pageSize, settings.maxResourcesPerFile - count);
      const page = await readPage(deps, bulk, job, segment, cursor, limit);
      scanned += limit;
      const kept = await keep(page.rows);
      if (kept.length > 0) {
        let text = '';
        for (const row of kept) text += `${row.json}\n`;
        writer ??= await bulk.files.writer(job, name);
        await writer.append(text);
        count += kept.length;
        bytes += text.length;
      }
      cursor = page.nextCursor;
      if (cursor === undefined) break;
    }
    await writer?.commit();
  } catch (error) {
    await writer?.abort();
    throw error;
  }
  return { count, scanned, cursor, exhausted: cursor === undefined };
}

async function readPage(deps: CoreDeps, bulk: BulkExportDeps, job: ExportJob, segment: ExportSegment, cursor: string | undefined, limit: number): Promise<SnapshotPage> {
  if (segment.filter === undefined) {
    return bulk.source.scan(job.tenant, segment.type, job.snapshot, { limit, ...(job.since !== undefined ? { since: job.since } : {}), ...(cursor !== undefined ? { cursor } : {}) });
  }
  // _typeFilter: the search engine finds the matches; the snapshot gives their version at transactionTime.
  const page = await deps.search.matchKeys(contextOf(job), segment.type, paramsOf(segment.filter), { count: limit, ...(cursor !== undefined ? { cursor } : {}) });
  const rows = (await bulk.source.readAt(job.tenant, page.keys, job.snapshot)).filter(
    (row): row is SnapshotRow => row !== undefined && (job.since === undefined || row.lastUpdated >= job.since),
  );
  return { rows, ...(page.nextCursor !== undefined ? { nextCursor: page.nextCursor } : {}) };
}

/**
 * What of a page goes into the file: the patients' compartments (Patient and Group level), what
 * the caller may read (export follows read rights exactly), and for a second `_typeFilter` of a
 * type, only what the earlier ones did not already export.
 */
function rowFilter(deps: CoreDeps, job: ExportJob, segment: ExportSegment): (rows: readonly SnapshotRow[]) => Promise<SnapshotRow[]> {
  const ctx = contextOf(job);
  const patients = job.patients === undefined ? undefined : new Set(job.patients);
  const byMembership = job.level !== 'system';
  const byRead = deps.access.unrestrictedRead?.(ctx, segment.type) !== true;
  const membershipNeedsParse = byMembership && !(segment.type === 'Patient' && patients === undefined);
  return async (rows) => {
    let kept = rows as SnapshotRow[];
    if (byRead || membershipNeedsParse) {
      kept = rows.filter((row) => {
        const resource = JSON.parse(row.json) as Resource;
        if (byMembership && !inPatientScope(resource, patients)) return false;
        return !byRead || deps.access.canRead(ctx, resource);
      });
    }
    for (const earlier of segment.earlierFilters ?? []) {
      if (kept.length === 0) break;
      const ids = kept.map((r) => r.id);
      const seen = await deps.search.matchKeys(ctx, segment.type, [...paramsOf(earlier), ['_id', ids.join(',')]], { count: ids.length });
      const already = new Set(seen.keys.map((k) => k.id));
      kept = kept.filter((r) => !already.has(r.id));
    }
    return kept;
  };
}

async function finish(deps: CoreDeps, bulk: BulkExportDeps, job: ExportJob): Promise<SliceResult> {
  let output = job.output.filter((f) => f.name !== ERROR_FILE);
  if (job.issues.length > 0) {
    // export.html#response---complete-status: error[] holds NDJSON OperationOutcomes (warnings too).
    const writer = await bulk.files.writer(job, ERROR_FILE);
    await writer.append(job.issues.map((issue) => `${JSON.stringify({ resourceType: 'OperationOutcome', issue: [issue] })}\n`).join(''));
    await writer.commit();
    output = [...output, { type: 'OperationOutcome', name: ERROR_FILE, count: job.issues.length }];
  }
  const saved = await bulk.jobs.save({ ...job, status: 'completed', output, expiresAt: expiry(deps, bulk) });
  if (!saved) await bulk.files.remove(job);
  return 'done';
}
