// ExportJobStore on SQLite (core/ports/bulk-export.ts): one row per $export job in the server's
// database, the job itself as JSON, with the columns the runner and the limits query on.
import type { Database, Statement } from 'better-sqlite3';
import type { ExportJob, ExportJobLimits, ExportJobStore } from '../../core/ports/bulk-export';

const ddl = `
CREATE TABLE IF NOT EXISTS export_job (
  tenant     TEXT NOT NULL,
  id         TEXT NOT NULL,
  subject    TEXT NOT NULL,
  status     TEXT NOT NULL,
  expires_at TEXT,
  job        TEXT NOT NULL,
  PRIMARY KEY (tenant, id)
);
CREATE INDEX IF NOT EXISTS export_job_status ON export_job (status, tenant, subject);
`;

const ACTIVE = "('accepted', 'in-progress')";

export class SqliteExportJobStore implements ExportJobStore {
  private readonly insert: Statement<[string, string, string, string, string | null, string]>;
  private readonly select: Statement<[string, string], string>;
  private readonly update: Statement<[string, string | null, string, string, string]>;
  private readonly remove: Statement<[string, string]>;
  private readonly selectActive: Statement<[], string>;
  private readonly countTenant: Statement<[string], number>;
  private readonly countSubject: Statement<[string, string], number>;
  private readonly selectExpired: Statement<[string], string>;

  constructor(db: Database) {
    db.exec(ddl);
    this.insert = db.prepare('INSERT INTO export_job (tenant, id, subject, status, expires_at, job) VALUES (?, ?, ?, ?, ?, ?)');
    this.select = db.prepare<[string, string], string>('SELECT job FROM export_job WHERE tenant = ? AND id = ?').pluck();
    // Only a job still running can be saved: a cancelled (deleted) or ended job stays as it is.
    this.update = db.prepare(`UPDATE export_job SET status = ?, expires_at = ?, job = ? WHERE tenant = ? AND id = ? AND status IN ${ACTIVE}`);
    this.remove = db.prepare('DELETE FROM export_job WHERE tenant = ? AND id = ?');
    this.selectActive = db.prepare<[], string>(`SELECT job FROM export_job WHERE status IN ${ACTIVE}`).pluck();
    this.countTenant = db.prepare<[string], number>(`SELECT count(*) FROM export_job WHERE status IN ${ACTIVE} AND tenant = ?`).pluck();
    this.countSubject = db.prepare<[string, string], number>(`SELECT count(*) FROM export_job WHERE status IN ${ACTIVE} AND tenant = ? AND subject = ?`).pluck();
    this.selectExpired = db.prepare<[string], string>(`SELECT job FROM export_job WHERE status NOT IN ${ACTIVE} AND expires_at < ?`).pluck();
  }

  create(job: ExportJob, limits: ExportJobLimits): Promise<'created' | 'caller-limit' | 'tenant-limit'> {
    // better-sqlite3 is synchronous: nothing runs between the counts and the insert.
    if ((this.countSubject.get(job.tenant, job.principal.subject) ?? 0) >= limits.perCaller) return Promise.resolve('caller-limit');
    if ((this.countTenant.get(job.tenant) ?? 0) >= limits.perTenant) return Promise.resolve('tenant-limit');
    this.insert.run(job.tenant, job.id, job.principal.subject, job.status, job.expiresAt ?? null, JSON.stringify(job));
    return Promise.resolve('created');
  }

  get(tenant: string, id: string): Promise<ExportJob | undefined> {
    const text = this.select.get(tenant, id);
    return Promise.resolve(text === undefined ? undefined : (JSON.parse(text) as ExportJob));
  }

  save(job: ExportJob): Promise<boolean> {
    return Promise.resolve(this.update.run(job.status, job.expiresAt ?? null, JSON.stringify(job), job.tenant, job.id).changes === 1);
  }

  delete(tenant: string, id: string): Promise<void> {
    this.remove.run(tenant, id);
    return Promise.resolve();
  }

  active(): Promise<readonly ExportJob[]> {
    return Promise.resolve(this.selectActive.all().map((text) => JSON.parse(text) as ExportJob));
  }

  expired(now: string): Promise<readonly ExportJob[]> {
    return Promise.resolve(this.selectExpired.all(now).map((text) => JSON.parse(text) as ExportJob));
  }
}
