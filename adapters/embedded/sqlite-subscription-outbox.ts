// The embedded SubscriptionOutbox (issue 13): three tables beside the store in the same SQLite
// database. Committed versions come from resource_version.seq, so the commit path writes nothing
// extra; a checkpoint row says how far matching got, one row per notification carries its
// retries, and a lease row lets exactly one of several server processes (FHIR_WORKERS) dispatch.
import type { Database, Statement } from 'better-sqlite3';
import type { CommittedVersionRef, NewDelivery, PendingDelivery, SubscriptionOutbox } from '../../core/ports/subscription-outbox';

const ddl = `
CREATE TABLE IF NOT EXISTS subscription_checkpoint (
  name TEXT PRIMARY KEY,
  seq  INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS subscription_lease (
  name       TEXT PRIMARY KEY,
  owner      TEXT NOT NULL,
  expires_ms INTEGER NOT NULL
);
-- state: pending, delivered, skipped (the owner may no longer read it), failed.
CREATE TABLE IF NOT EXISTS subscription_delivery (
  notification_id TEXT PRIMARY KEY,
  tenant          TEXT NOT NULL,
  subscription_id TEXT NOT NULL,
  resource_type   TEXT NOT NULL,
  resource_id     TEXT NOT NULL,
  version_id      TEXT NOT NULL,
  seq             INTEGER NOT NULL,
  state           TEXT NOT NULL,
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_ms INTEGER NOT NULL DEFAULT 0,
  last_error      TEXT
);
CREATE INDEX IF NOT EXISTS subscription_delivery_pending
  ON subscription_delivery (state, tenant, subscription_id, resource_type, resource_id, seq);
`;

const NAME = 'subscriptions';

interface VersionRow { seq: number; tenant: string; resource_type: string; id: string; version_id: string; deleted: number }
interface DeliveryRow { notification_id: string; tenant: string; subscription_id: string; resource_type: string; resource_id: string; version_id: string; seq: number; attempts: number }

export class SqliteSubscriptionOutbox implements SubscriptionOutbox {
  private readonly lease: Statement<[owner: string, expires: number, name: string, now: number]>;
  private readonly release: Statement<[name: string, owner: string]>;
  private readonly readCheckpoint: Statement<[string], number>;
  private readonly versions: Statement<[seq: number, limit: number], VersionRow>;
  private readonly insert: Statement<[string, string, string, string, string, string, number]>;
  private readonly moveCheckpoint: Statement<[seq: number, name: string]>;
  private readonly dueRows: Statement<[now: number, limit: number], DeliveryRow>;
  private readonly nextDueRow: Statement<[], number | null>;
  private readonly finish: Statement<[state: string, id: string]>;
  private readonly retry: Statement<[attempts: number, next: number, error: string, id: string]>;
  private readonly failAll: Statement<[error: string, tenant: string, subscription: string]>;
  private readonly recordAll: (deliveries: readonly NewDelivery[], seq: number) => void;

  constructor(db: Database) {
    db.exec(ddl);
    // A new outbox starts at the present: Subscriptions notify about changes after they exist.
    db.prepare('INSERT OR IGNORE INTO subscription_checkpoint (name, seq) SELECT ?, COALESCE(MAX(seq), 0) FROM resource_version').run(NAME);
    this.lease = db.prepare(`INSERT INTO subscription_lease (owner, expires_ms, name) VALUES (?, ?, ?)
      ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, expires_ms = excluded.expires_ms
      WHERE subscription_lease.owner = excluded.owner OR subscription_lease.expires_ms < ?`);
    this.release = db.prepare('DELETE FROM subscription_lease WHERE name = ? AND owner = ?');
    this.readCheckpoint = db.prepare<[string], number>('SELECT seq FROM subscription_checkpoint WHERE name = ?').pluck();
    this.versions = db.prepare<[number, number], VersionRow>('SELECT seq, tenant, resource_type, id, version_id, deleted FROM resource_version WHERE seq > ? ORDER BY seq LIMIT ?');
    this.insert = db.prepare(`INSERT OR IGNORE INTO subscription_delivery (notification_id, tenant, subscription_id, resource_type, resource_id, version_id, seq, state)
      VALUES (?, ?, ?, ?, ?, ?, ?, 'pending')`);
    this.moveCheckpoint = db.prepare('UPDATE subscription_checkpoint SET seq = MAX(seq, ?) WHERE name = ?');
    // The oldest pending row of each (subscription, resource), if it is due: order per resource.
    this.dueRows = db.prepare<[number, number], DeliveryRow>(`SELECT d.notification_id, d.tenant, d.subscription_id, d.resource_type, d.resource_id, d.version_id, d.seq, d.attempts
      FROM subscription_delivery d
      WHERE d.state = 'pending' AND d.next_attempt_ms <= ?
        AND NOT EXISTS (SELECT 1 FROM subscription_delivery e WHERE e.state = 'pending' AND e.tenant = d.tenant
          AND e.subscription_id = d.subscription_id AND e.resource_type = d.resource_type AND e.resource_id = d.resource_id AND e.seq < d.seq)
      ORDER BY d.seq LIMIT ?`);
    this.nextDueRow = db.prepare<[], number | null>("SELECT MIN(next_attempt_ms) FROM subscription_delivery WHERE state = 'pending'").pluck();
    this.finish = db.prepare("UPDATE subscription_delivery SET state = ? WHERE notification_id = ? AND state = 'pending'");
    this.retry = db.prepare("UPDATE subscription_delivery SET attempts = ?, next_attempt_ms = ?, last_error = ? WHERE notification_id = ? AND state = 'pending'");
    this.failAll = db.prepare("UPDATE subscription_delivery SET state = 'failed', last_error = ? WHERE tenant = ? AND subscription_id = ? AND state = 'pending'");
    this.recordAll = db.transaction((deliveries: readonly NewDelivery[], seq: number) => {
      for (const d of deliveries) this.insert.run(d.notificationId, d.tenant, d.subscriptionId, d.resourceType, d.resourceId, d.versionId, d.seq);
      this.moveCheckpoint.run(seq, NAME);
    });
  }

  acquireLease(owner: string, nowMs: number, ttlMs: number): Promise<boolean> {
    return Promise.resolve(this.lease.run(owner, nowMs + ttlMs, NAME, nowMs).changes > 0);
  }

  releaseLease(owner: string): Promise<void> {
    this.release.run(NAME, owner);
    return Promise.resolve();
  }

  checkpoint(): Promise<number> {
    return Promise.resolve(this.readCheckpoint.get(NAME) ?? 0);
  }

  versionsAfter(seq: number, limit: number): Promise<readonly CommittedVersionRef[]> {
    return Promise.resolve(this.versions.all(seq, limit).map((r) => ({ seq: r.seq, tenant: r.tenant, resourceType: r.resource_type, id: r.id, versionId: r.version_id, deleted: r.deleted === 1 })));
  }

  record(deliveries: readonly NewDelivery[], seq: number): Promise<void> {
    this.recordAll(deliveries, seq);
    return Promise.resolve();
  }

  due(nowMs: number, limit: number): Promise<readonly PendingDelivery[]> {
    return Promise.resolve(this.dueRows.all(nowMs, limit).map((r) => ({
      notificationId: r.notification_id, tenant: r.tenant, subscriptionId: r.subscription_id, resourceType: r.resource_type,
      resourceId: r.resource_id, versionId: r.version_id, seq: r.seq, attempts: r.attempts,
    })));
  }

  nextDue(): Promise<number | undefined> {
    return Promise.resolve(this.nextDueRow.get() ?? undefined);
  }

  markDelivered(notificationId: string, outcome: 'delivered' | 'skipped'): Promise<void> {
    this.finish.run(outcome, notificationId);
    return Promise.resolve();
  }

  markRetry(notificationId: string, attempts: number, nextAttemptMs: number, error: string): Promise<void> {
    this.retry.run(attempts, nextAttemptMs, error.slice(0, 1000), notificationId);
    return Promise.resolve();
  }

  markFailed(tenant: string, subscriptionId: string, error: string): Promise<void> {
    this.failAll.run(error.slice(0, 1000), tenant, subscriptionId);
    return Promise.resolve();
  }
}
