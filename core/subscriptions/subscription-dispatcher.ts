// The rest-hook and websocket dispatcher of the core (issue 13; DESIGN.md: consumers of committed
// changes start after commit and authorize as the subscriber at delivery time). It reads
// committed versions from the durable outbox's sequence, matches each against the tenant's
// active Subscriptions with the core's own search (the criteria restricted to the changed id,
// run as the Subscription's owner), records one notification row per match, and delivers the
// rows with retries. It runs in whichever process holds the outbox lease.
import { randomUUID } from 'node:crypto';
import type { CoreDeps } from '../core-deps';
import { FhirError } from '../errors/fhir-error';
import type { Resource } from '../fhir-types';
import { commitWrites, prepareTrustedWrite } from '../interactions/write-path';
import type { CommittedVersionRef, NewDelivery, PendingDelivery, SubscriptionOutbox } from '../ports/subscription-outbox';
import type { WebhookSender } from '../ports/webhook-sender';
import type { RequestContext } from '../request';
import type { SearchEngine } from '../search-engine';
import { ActiveSubscriptions, SYSTEM_PRINCIPAL, type ActiveSubscription } from './active-subscriptions';
import { resolveEndpoint, type HostResolver } from './endpoint-check';
import type { EndpointPolicy } from './endpoint-policy';
import { notificationRequest, retryDelayMs } from './notification-request';
import { ownerContext, ownerOf } from './subscription-owner';

export interface DispatcherSettings {
  /** Per request. */
  readonly timeoutMs: number;
  /** Attempts per notification before the Subscription turns to `error` (at least 3: two retries). */
  readonly maxAttempts: number;
  readonly retryBaseMs: number;
  readonly retryMaxMs: number;
  /** Requests in flight to one endpoint origin at most. */
  readonly endpointConcurrency: number;
  /** How often to look for commits of other processes and for due retries. */
  readonly pollMs: number;
  /** How long the dispatcher lease lasts without renewal. */
  readonly leaseMs: number;
}

export interface DispatcherDeps {
  readonly core: CoreDeps;
  /** Search without a caller's restrictions, to find Subscriptions. */
  readonly systemSearch: SearchEngine;
  readonly outbox: SubscriptionOutbox;
  readonly sender: WebhookSender;
  readonly resolve: HostResolver;
  readonly policy: EndpointPolicy;
  readonly settings: DispatcherSettings;
  readonly baseUrlOf: (tenant: string) => string;
  /** Told of each match of a websocket Subscription (R4 websocket channel: `ping <id>`). */
  readonly onWebSocketMatch?: (tenant: string, subscriptionId: string) => void;
  readonly random?: () => number;
}

const BATCH = 200;

export class SubscriptionDispatcher {
  private readonly owner = `dispatcher-${randomUUID()}`;
  private readonly active: ActiveSubscriptions;
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly perOrigin = new Map<string, number>();
  private running = false;
  private again = false;
  private stopped = true;
  private timer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;

  constructor(private readonly deps: DispatcherDeps) {
    this.active = new ActiveSubscriptions(deps.systemSearch, (tenant) => this.systemContext(tenant), deps.core.config.maxPageSize);
  }

  start(): void {
    this.stopped = false;
    this.unsubscribe = this.deps.core.changeFeed.subscribe(() => this.wake());
    this.timer = setInterval(() => this.wake(), this.deps.settings.pollMs);
    this.timer.unref();
    this.wake();
  }

  /** Stops taking work, lets deliveries in flight finish (each bounded by the timeout), releases the lease. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.unsubscribe?.();
    while (this.running || this.inFlight.size > 0) {
      await Promise.allSettled([...this.inFlight.values()]);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await this.deps.outbox.releaseLease(this.owner);
  }

  /** Runs a pass soon; passes never overlap. */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    void this.run().finally(() => {
      this.running = false;
    });
  }

  private async run(): Promise<void> {
    do {
      this.again = false;
      try {
        if (!(await this.deps.outbox.acquireLease(this.owner, Date.now(), this.deps.settings.leaseMs))) return;
        await this.match();
        await this.deliverDue();
      } catch (error) {
        this.deps.core.log.error('subscription dispatcher pass failed', { error: String(error) });
        return;
      }
    } while (this.again && !this.stopped);
  }

  private systemContext(tenant: string): RequestContext {
    return { principal: SYSTEM_PRINCIPAL, tenant, baseUrl: this.deps.baseUrlOf(tenant), correlationId: `subscriptions-${randomUUID()}` };
  }

  // --- matching -------------------------------------------------------------------------

  private async match(): Promise<void> {
    for (;;) {
      const from = await this.deps.outbox.checkpoint();
      const versions = await this.deps.outbox.versionsAfter(from, BATCH);
      for (const version of versions) {
        if (this.stopped) return;
        await this.deps.outbox.record(await this.matchesOf(version), version.seq);
      }
      if (versions.length < BATCH) return;
    }
  }

  private async matchesOf(version: CommittedVersionRef): Promise<NewDelivery[]> {
    const { core } = this.deps;
    if (version.resourceType === 'Subscription') {
      this.active.invalidate(version.tenant);
      if (!version.deleted) await this.activate(version);
    }
    // subscription.html#2.46.7.1: no notification when a resource is deleted.
    if (version.deleted) return [];
    const candidates = (await this.active.of(version.tenant)).filter((s) => s.criteria.resourceType === version.resourceType);
    if (candidates.length === 0) return [];
    // Matching runs on the current version; a version already superseded is left to the newer
    // one (coalescing keeps the order per resource and never notifies content that is gone).
    const current = await core.store.read(version.tenant, version.resourceType, version.id);
    if (current?.resource === undefined || current.versionId !== version.versionId) return [];
    const deliveries: NewDelivery[] = [];
    for (const subscription of candidates) {
      if (subscription.endMs !== undefined && subscription.endMs <= core.clock().getTime()) {
        await this.setStatus(version.tenant, subscription.id, 'off');
        continue;
      }
      if (!(await this.matches(subscription, version))) continue;
      if (subscription.channelType === 'websocket') {
        this.deps.onWebSocketMatch?.(version.tenant, subscription.id);
        continue;
      }
      deliveries.push({
        notificationId: `${subscription.id}-${version.seq}`,
        tenant: version.tenant,
        subscriptionId: subscription.id,
        resourceType: version.resourceType,
        resourceId: version.id,
        versionId: version.versionId,
        seq: version.seq,
      });
    }
    return deliveries;
  }

  /** `GET [type]?criteria&_id=[id]` as the owner: the same semantics and the same rights as a search. */
  private async matches(subscription: ActiveSubscription, version: CommittedVersionRef): Promise<boolean> {
    if (subscription.owner === undefined) return false;
    const ctx = ownerContext(subscription.owner, version.tenant, this.deps.baseUrlOf(version.tenant), `subscription-${subscription.id}`);
    const query = new URLSearchParams([...subscription.criteria.params.map(([k, v]): [string, string] => [k, v]), ['_id', version.id]]).toString();
    try {
      return (await this.deps.core.search.findMatches(ctx, version.resourceType, query, 1)).includes(version.id);
    } catch (error) {
      if (error instanceof FhirError && error.status < 500) return false;
      throw error;
    }
  }

  /** subscription.html#2.46.7.2: the server moves `requested` to `active` once it accepts the endpoint. */
  private async activate(version: CommittedVersionRef): Promise<void> {
    const current = await this.deps.core.store.read(version.tenant, 'Subscription', version.id);
    const resource = current?.resource;
    if (resource === undefined || current?.versionId !== version.versionId || resource['status'] !== 'requested') return;
    const channel = (resource['channel'] ?? {}) as { type?: unknown; endpoint?: unknown };
    if (channel.type === 'rest-hook') {
      const checked = await resolveEndpoint(String(channel.endpoint), this.deps.policy, this.deps.resolve);
      if (!checked.ok) {
        await this.setStatus(version.tenant, version.id, 'error', `The endpoint is refused: ${checked.reason}`);
        return;
      }
    }
    await this.setStatus(version.tenant, version.id, 'active');
  }

  /** A status change as a real update, with history (issue 13). */
  private async setStatus(tenant: string, id: string, status: 'active' | 'error' | 'off', error?: string): Promise<void> {
    const { core } = this.deps;
    const current = await core.store.read(tenant, 'Subscription', id);
    const resource = current?.resource;
    if (resource === undefined || (resource['status'] === status && resource['error'] === error)) return;
    const next: Resource = { ...resource, status };
    if (error === undefined) delete next['error'];
    else next['error'] = error.slice(0, 1000);
    try {
      await commitWrites(core, this.systemContext(tenant), [prepareTrustedWrite(core, tenant, { resourceType: 'Subscription', id, current, resource: next })]);
    } catch (failure) {
      // A client changed the Subscription meanwhile; its new version is matched on its own.
      if (!(failure instanceof FhirError && failure.code === 'VERSION_CONFLICT')) throw failure;
    }
    this.active.invalidate(tenant);
  }

  // --- delivery -------------------------------------------------------------------------

  private async deliverDue(): Promise<void> {
    const due = await this.deps.outbox.due(Date.now(), 100);
    for (const row of due) {
      if (this.stopped || this.inFlight.has(row.notificationId)) continue;
      const subscription = await this.deps.core.store.read(row.tenant, 'Subscription', row.subscriptionId);
      const origin = originOf(subscription?.resource);
      if ((this.perOrigin.get(origin) ?? 0) >= this.deps.settings.endpointConcurrency) continue;
      this.perOrigin.set(origin, (this.perOrigin.get(origin) ?? 0) + 1);
      const done = this.deliver(row, subscription?.resource)
        .catch((error: unknown) => this.deps.core.log.error('subscription delivery failed', { notification: row.notificationId, error: String(error) }))
        .finally(() => {
          this.inFlight.delete(row.notificationId);
          this.perOrigin.set(origin, (this.perOrigin.get(origin) ?? 1) - 1);
          this.wake();
        });
      this.inFlight.set(row.notificationId, done);
    }
  }

  private async deliver(row: PendingDelivery, subscription: Resource | undefined): Promise<void> {
    const { core, outbox, settings } = this.deps;
    if (subscription === undefined || subscription['status'] !== 'active') {
      await outbox.markFailed(row.tenant, row.subscriptionId, 'the Subscription is no longer active');
      return;
    }
    const version = await core.store.vread(row.tenant, row.resourceType, row.resourceId, row.versionId);
    const owner = ownerOf(subscription);
    // Authorization as the owner, now (issue 13: "checked at delivery time").
    const ctx = owner && ownerContext(owner, row.tenant, this.deps.baseUrlOf(row.tenant), row.notificationId);
    if (version?.resource === undefined || ctx === undefined || !this.mayRead(ctx, version.resource)) {
      await outbox.markDelivered(row.notificationId, 'skipped');
      return;
    }
    const channel = (subscription['channel'] ?? {}) as { endpoint?: unknown };
    const checked = await resolveEndpoint(String(channel.endpoint), this.deps.policy, this.deps.resolve);
    if (!checked.ok) {
      await this.giveUp(row, `The endpoint is refused: ${checked.reason}`);
      return;
    }
    const request = notificationRequest(subscription, checked.url, checked.address.address, version.resource, row.notificationId, settings.timeoutMs);
    const result = await this.deps.sender.send(request);
    if (result.ok) {
      await outbox.markDelivered(row.notificationId, 'delivered');
      return;
    }
    const attempts = row.attempts + 1;
    const reason = result.status !== undefined ? `HTTP ${result.status}` : result.error;
    if (attempts >= settings.maxAttempts) {
      await this.giveUp(row, `Delivery failed after ${attempts} attempts: ${reason}`);
      return;
    }
    await outbox.markRetry(row.notificationId, attempts, Date.now() + retryDelayMs(attempts, settings.retryBaseMs, settings.retryMaxMs, this.deps.random ?? Math.random), reason);
  }

  private mayRead(ctx: RequestContext, resource: Resource): boolean {
    try {
      this.deps.core.access.assertAllowed(ctx, 'read', resource.resourceType);
      return this.deps.core.access.canRead(ctx, resource);
    } catch {
      return false;
    }
  }

  /** subscription.html#2.46.7.2: repeated failures turn the Subscription to `error`, with the reason. */
  private async giveUp(row: PendingDelivery, reason: string): Promise<void> {
    await this.deps.outbox.markFailed(row.tenant, row.subscriptionId, reason);
    await this.setStatus(row.tenant, row.subscriptionId, 'error', reason);
  }
}

function originOf(subscription: Resource | undefined): string {
  const endpoint = (subscription?.['channel'] as { endpoint?: unknown } | undefined)?.endpoint;
  try {
    return new URL(String(endpoint)).origin;
  } catch {
    return '';
  }
}
