import type { CoreDeps } from '../core-deps';
import { bulkExportOf } from './export-settings';

/**
 * Deletes the jobs whose files have expired, and their files (export.html: the manifest's
 * files are available until they expire; the server then removes them). Returns how many.
 */
export async function sweepExpiredExports(deps: CoreDeps): Promise<number> {
  const bulk = bulkExportOf(deps);
  const expired = await bulk.jobs.expired(deps.clock().toISOString());
  for (const job of expired) {
    await bulk.files.remove(job);
    await bulk.jobs.delete(job.tenant, job.id);
  }
  return expired.length;
}
