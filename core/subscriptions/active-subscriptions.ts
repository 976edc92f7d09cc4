// The active Subscriptions of a tenant, found with the server's own search (no caller's rights
// apply: the dispatcher sees every Subscription, and each one then acts as its owner).
import type { Resource } from '../fhir-types';
import type { RequestContext } from '../request';
import type { SearchEngine } from '../search-engine';
import { splitCriteria, type Criteria } from './criteria';
import { ownerOf } from './subscription-owner';
import type { Principal } from '../request';

export interface ActiveSubscription {
  readonly id: string;
  readonly resource: Resource;
  readonly criteria: Criteria;
  readonly owner: Principal | undefined;
  readonly channelType: string;
  /** Epoch ms of `end`, if set (subscription.html: "The time for the server to turn the subscription off"). */
  readonly endMs: number | undefined;
}

export const SYSTEM_PRINCIPAL: Principal = { subject: 'system:subscriptions', groups: [], scopes: [] };

export class ActiveSubscriptions {
  private readonly byTenant = new Map<string, Promise<readonly ActiveSubscription[]>>();

  constructor(
    private readonly systemSearch: SearchEngine,
    private readonly contextOf: (tenant: string) => RequestContext,
    private readonly pageSize: number,
  ) {}

  /** Forgets a tenant's list; the next call searches again (after any Subscription change). */
  invalidate(tenant: string): void {
    this.byTenant.delete(tenant);
  }

  of(tenant: string): Promise<readonly ActiveSubscription[]> {
    let found = this.byTenant.get(tenant);
    if (found === undefined) {
      found = this.load(tenant);
      this.byTenant.set(tenant, found);
      found.catch(() => this.byTenant.delete(tenant));
    }
    return found;
  }

  private async load(tenant: string): Promise<readonly ActiveSubscription[]> {
    const bundle = await this.systemSearch.search(this.contextOf(tenant), { resourceType: 'Subscription' }, [['status', 'active'], ['_count', String(this.pageSize)]], { strict: true });
    const resources = (bundle.entry ?? []).map((e) => e.resource).filter((r): r is Resource => r?.resourceType === 'Subscription');
    return resources.map((resource) => {
      const channel = (resource['channel'] ?? {}) as { type?: unknown };
      const end = typeof resource['end'] === 'string' ? Date.parse(resource['end']) : Number.NaN;
      return {
        id: resource.id ?? '',
        resource,
        criteria: splitCriteria(String(resource['criteria'] ?? '')),
        owner: ownerOf(resource),
        channelType: typeof channel.type === 'string' ? channel.type : '',
        endMs: Number.isNaN(end) ? undefined : end,
      };
    });
  }
}
