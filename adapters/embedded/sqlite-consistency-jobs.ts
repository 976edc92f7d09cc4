// The consistency checker's view of the work queues beside the store (issue 16, "npm run check":
// "... vs subscription outbox and export jobs, if present"): every notification in the
// Subscription outbox must point at a stored version (with its commit order) and a stored
// Subscription, the matching checkpoint cannot be ahead of the commit log, and every export job
// must be readable, agree with its row, and (once completed and not expired) have its files.
// These are records, not derived data: `--repair` does not touch them; the report names each.
import type { Database } from 'better-sqlite3';
import type { ExportFiles, ExportJob } from '../../core/ports/bulk-export';
import type { ConsistencyProblem } from './sqlite-consistency';

const DELIVERY_STATES = "('pending', 'delivered', 'skipped', 'failed')";
const JOB_STATES: ReadonlySet<string> = new Set(['accepted', 'in-progress', 'completed', 'failed']);

export function hasTable(db: Database, name: string): boolean {
  return db.prepare<[string], number>("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?").pluck().get(name) === 1;
}

interface DeliveryRow {
  readonly notification_id: string;
  readonly tenant: string;
  readonly subscription_id: string;
  readonly resource_type: string;
  readonly resource_id: string;
  readonly version_id: string;
  readonly state: string;
}

/** The Subscription outbox's rows against the commit log; run inside the checker's read transaction. */
export function checkSubscriptionOutbox(db: Database): ConsistencyProblem[] {
  if (!hasTable(db, 'subscription_delivery')) return [];
  const problems: ConsistencyProblem[] = [];
  const at = (row: DeliveryRow): Pick<ConsistencyProblem, 'tenant' | 'resourceType' | 'id' | 'versionId'> => ({ tenant: row.tenant, resourceType: row.resource_type, id: row.resource_id, versionId: row.version_id });
  const columns = 'd.notification_id, d.tenant, d.subscription_id, d.resource_type, d.resource_id, d.version_id, d.state';
  for (const row of db.prepare<[], DeliveryRow>(
    `SELECT ${columns} FROM subscription_delivery d
     LEFT JOIN resource_version v ON v.tenant = d.tenant AND v.resource_type = d.resource_type AND v.id = d.resource_id AND v.version_id = d.version_id
     WHERE v.seq IS NULL OR v.seq <> d.seq`,
  ).iterate()) {
    problems.push({ kind: 'outbox-orphan', ...at(row), detail: `notification ${row.notification_id} for Subscription/${row.subscription_id} points at a version that is not in the commit log (or at another commit)` });
  }
  for (const row of db.prepare<[], DeliveryRow>(
    `SELECT ${columns} FROM subscription_delivery d
     LEFT JOIN resource_current c ON c.tenant = d.tenant AND c.resource_type = 'Subscription' AND c.id = d.subscription_id
     WHERE d.state = 'pending' AND c.id IS NULL`,
  ).iterate()) {
    problems.push({ kind: 'outbox-orphan', ...at(row), detail: `pending notification ${row.notification_id} for Subscription/${row.subscription_id}, which was never stored` });
  }
  for (const row of db.prepare<[], DeliveryRow>(`SELECT ${columns} FROM subscription_delivery d WHERE d.state NOT IN ${DELIVERY_STATES}`).iterate()) {
    problems.push({ kind: 'outbox-bad-state', ...at(row), detail: `notification ${row.notification_id} is in state '${row.state}'` });
  }
  if (hasTable(db, 'subscription_checkpoint')) {
    const last = db.prepare<[], number | null>('SELECT MAX(seq) FROM resource_version').pluck().get() ?? 0;
    for (const checkpoint of db.prepare<[], { name: string; seq: number }>('SELECT name, seq FROM subscription_checkpoint').iterate()) {
      if (checkpoint.seq > (last ?? 0)) {
        problems.push({ kind: 'outbox-checkpoint-ahead', tenant: '', resourceType: '', id: '', detail: `checkpoint '${checkpoint.name}' is at commit ${checkpoint.seq}, past the last commit ${last ?? 0}: changes after a restore would never notify` });
      }
    }
  }
  return problems;
}

interface JobRow {
  readonly tenant: string;
  readonly id: string;
  readonly status: string;
  readonly expires_at: string | null;
  readonly job: string;
}

/** The export_job rows, read inside the checker's read transaction. */
export function readExportJobRows(db: Database): JobRow[] {
  return hasTable(db, 'export_job') ? db.prepare<[], JobRow>('SELECT tenant, id, status, expires_at, job FROM export_job').all() : [];
}

/** Each job readable and in agreement with its row; a completed, unexpired job's files present. */
export function checkExportJobs(rows: readonly JobRow[], files: Pick<ExportFiles, 'read'> | undefined, now: Date): ConsistencyProblem[] {
  const problems: ConsistencyProblem[] = [];
  for (const row of rows) {
    const at = { tenant: row.tenant, resourceType: '$export', id: row.id };
    let job: ExportJob;
    try {
      job = JSON.parse(row.job) as ExportJob;
    } catch {
      problems.push({ kind: 'export-job-unreadable', ...at, detail: 'the job record is not JSON' });
      continue;
    }
    if (typeof job !== 'object' || job === null || !Array.isArray(job.output)) {
      problems.push({ kind: 'export-job-unreadable', ...at, detail: 'the job record has no output list' });
      continue;
    }
    if (job.id !== row.id || job.tenant !== row.tenant || job.status !== row.status || !JOB_STATES.has(row.status)) {
      problems.push({ kind: 'export-job-mismatch', ...at, detail: `the row says ${row.tenant}/${row.id} ${row.status}, the record ${String(job.tenant)}/${String(job.id)} ${String(job.status)}` });
      continue;
    }
    const expired = row.expires_at !== null && Date.parse(row.expires_at) <= now.getTime();
    if (row.status !== 'completed' || expired || files?.read === undefined) continue;
    for (const file of job.output) {
      if (files.read(job, file.name) === undefined) problems.push({ kind: 'export-file-missing', ...at, detail: `output file ${file.name} (${file.count} ${file.type}) is missing` });
    }
  }
  return problems;
}
