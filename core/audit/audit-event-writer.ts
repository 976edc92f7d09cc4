// Optional AuditEvent resources (issue 13, FHIR_AUDIT_EVENTS): every audit record also becomes
// an AuditEvent in the request's tenant, written in batches off the request path by the
// server itself (a trusted write: no caller is authorized for it), so auditors can search
// "who read Patient X" through the FHIR API. The JSON-lines log stays the durable record; an
// AuditEvent batch lost to a crash is still in the log.
import type { CoreDeps } from '../core-deps';
import { commitWrites, prepareTrustedWrite } from '../interactions/write-path';
import type { AuditRecord, AuditSink } from '../ports/audit-sink';
import { DEFAULT_TENANT } from '../request';
import { auditEventOf } from './audit-event';

const BATCH_DELAY_MS = 50;

export class AuditEventWriter implements AuditSink {
  private queue: AuditRecord[] = [];
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly deps: () => CoreDeps,
    private readonly observer: string,
    private readonly next: AuditSink | undefined,
  ) {}

  record(record: AuditRecord): void {
    this.next?.record(record);
    this.queue.push(record);
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      void this.flushQueue();
    }, BATCH_DELAY_MS);
  }

  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await Promise.all([this.flushQueue(), this.next?.flush()]);
  }

  async close(): Promise<void> {
    await this.flush();
    await this.next?.close();
  }

  private flushQueue(): Promise<void> {
    const records = this.queue;
    this.queue = [];
    this.writing = this.writing.then(() => this.write(records));
    return this.writing;
  }

  private async write(records: readonly AuditRecord[]): Promise<void> {
    const deps = this.deps();
    const byTenant = new Map<string, AuditRecord[]>();
    for (const record of records) {
      // Without multi-tenancy everything is the default tenant; with it, a request that failed
      // before its tenant was known stays in the log only.
      const tenant = deps.config.multiTenancy ? record.who.tenant : DEFAULT_TENANT;
      if (tenant === undefined) continue;
      byTenant.set(tenant, [...(byTenant.get(tenant) ?? []), record]);
    }
    for (const [tenant, list] of byTenant) {
      try {
        const writes = list.map((record) => prepareTrustedWrite(deps, tenant, { resourceType: 'AuditEvent', id: deps.newId(), current: undefined, resource: auditEventOf(record, this.observer) }));
        await commitWrites(deps, { principal: { subject: 'system:audit', groups: [], scopes: [] }, tenant, baseUrl: '', correlationId: 'audit-events' }, writes);
      } catch (error) {
        deps.log.error('writing AuditEvent resources failed', { tenant, count: list.length, error: String(error) });
      }
    }
  }
}
