// The durable record behind rest-hook delivery (DESIGN.md: "Background work runs off a durable
// record"; issue 13). Locally a set of SQLite tables beside the store; every committed version
// already has a commit sequence number, so the commit path writes nothing extra: the dispatcher
// keeps a checkpoint over that sequence and one row per notification.

/** A committed version, named by its commit sequence number. */
export interface CommittedVersionRef {
  readonly seq: number;
  readonly tenant: string;
  readonly resourceType: string;
  readonly id: string;
  readonly versionId: string;
  readonly deleted: boolean;
}

/** One notification to send: a matched version for one subscription. */
export interface NewDelivery {
  /** Stable across retries and restarts: receivers de-duplicate on it (at-least-once delivery). */
  readonly notificationId: string;
  readonly tenant: string;
  readonly subscriptionId: string;
  readonly resourceType: string;
  readonly resourceId: string;
  readonly versionId: string;
  readonly seq: number;
}

export interface PendingDelivery extends NewDelivery {
  /** Failed attempts so far. */
  readonly attempts: number;
}

export interface SubscriptionOutbox {
  /**
   * Takes or renews the dispatcher lease (one dispatcher per database, however many processes
   * serve it); false while another owner holds an unexpired lease.
   */
  acquireLease(owner: string, nowMs: number, ttlMs: number): Promise<boolean>;
  releaseLease(owner: string): Promise<void>;
  /** The last commit sequence number whose matches are recorded. */
  checkpoint(): Promise<number>;
  /** Committed versions after `seq`, in commit order. */
  versionsAfter(seq: number, limit: number): Promise<readonly CommittedVersionRef[]>;
  /** Records the notifications (idempotent per notificationId) and moves the checkpoint to `seq`, atomically. */
  record(deliveries: readonly NewDelivery[], seq: number): Promise<void>;
  /**
   * Pending notifications due at `nowMs`, at most one per (subscription, resource) and only the
   * oldest of each: a later version waits until the earlier one is done (order per resource).
   */
  due(nowMs: number, limit: number): Promise<readonly PendingDelivery[]>;
  /** The next time a pending notification falls due, if any. */
  nextDue(): Promise<number | undefined>;
  markDelivered(notificationId: string, outcome: 'delivered' | 'skipped'): Promise<void>;
  markRetry(notificationId: string, attempts: number, nextAttemptMs: number, error: string): Promise<void>;
  /** Gives up on a notification, and on every other pending one of the same subscription. */
  markFailed(tenant: string, subscriptionId: string, error: string): Promise<void>;
}
