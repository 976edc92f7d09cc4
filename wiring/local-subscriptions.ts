// The embedded home's Subscription dispatcher (issue 13): SQLite outbox, node:http sender, system DNS.
import type { Database } from 'better-sqlite3';
import { SqliteSubscriptionOutbox } from '../adapters/embedded/sqlite-subscription-outbox';
import { SqliteSearchIndex } from '../adapters/embedded/sqlite-search-index';
import { dnsResolver } from '../adapters/http/dns-resolver';
import { nodeWebhookSender } from '../adapters/http/node-webhook-sender';
import { allowAllPolicy } from '../core/authz/access-policy';
import type { CoreDeps } from '../core/core-deps';
import type { WebhookSender } from '../core/ports/webhook-sender';
import type { SearchEngine } from '../core/search-engine';
import { createSearchEngine } from '../core/search/engine';
import { terminologyOverSearch } from '../core/terminology/stored-terminology';
import type { HostResolver } from '../core/subscriptions/endpoint-check';
import type { EndpointPolicy } from '../core/subscriptions/endpoint-policy';
import { SubscriptionDispatcher } from '../core/subscriptions/subscription-dispatcher';
import type { LocalConfig } from './config';

export type WebSocketMatchListener = (tenant: string, subscriptionId: string) => void;

/** Where the websocket channel hears of matches (R4: the server sends `ping <id>` to bound sockets). */
export class SubscriptionPings {
  private listeners: readonly WebSocketMatchListener[] = [];
  subscribe(listener: WebSocketMatchListener): () => void {
    this.listeners = [...this.listeners, listener];
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }
  emit(tenant: string, subscriptionId: string): void {
    for (const listener of this.listeners) listener(tenant, subscriptionId);
  }
}

export function endpointPolicyOf(config: LocalConfig): EndpointPolicy {
  return {
    allowLoopback: config.FHIR_SUBSCRIPTION_ALLOW_LOOPBACK,
    allowHttp: config.FHIR_SUBSCRIPTION_ALLOW_HTTP,
    allowedCidrs: config.FHIR_SUBSCRIPTION_ALLOWED_CIDRS.split(',').map((c) => c.trim()).filter((c) => c !== ''),
  };
}

export interface LocalDispatcherOptions {
  /** Name resolution for endpoint checks (tests make names resolve into refused ranges). */
  readonly resolveHost?: HostResolver;
  readonly sender?: WebhookSender;
}

export function createLocalDispatcher(config: LocalConfig, deps: CoreDeps, database: Database, baseUrlOf: (tenant: string) => string, pings: SubscriptionPings, options: LocalDispatcherOptions): SubscriptionDispatcher {
  const policy = deps.config.subscriptionEndpoints ?? endpointPolicyOf(config);
  // Criteria with :in, :not-in, :above or :below match with the same terminology as a search.
  const systemSearch: SearchEngine = createSearchEngine({
    index: new SqliteSearchIndex(database, { registry: deps.registry }),
    store: deps.store,
    access: allowAllPolicy,
    config: deps.config,
    registry: deps.registry,
    terminology: (ctx) => terminologyOverSearch(deps.registry, systemSearch, deps.store, ctx),
  });
  return new SubscriptionDispatcher({
    core: deps,
    systemSearch,
    outbox: new SqliteSubscriptionOutbox(database),
    sender: options.sender ?? nodeWebhookSender,
    resolve: options.resolveHost ?? dnsResolver,
    policy,
    baseUrlOf,
    onWebSocketMatch: (tenant, id) => pings.emit(tenant, id),
    settings: {
      timeoutMs: config.FHIR_SUBSCRIPTION_TIMEOUT_MS,
      maxAttempts: config.FHIR_SUBSCRIPTION_MAX_ATTEMPTS,
      retryBaseMs: config.FHIR_SUBSCRIPTION_RETRY_BASE_MS,
      retryMaxMs: config.FHIR_SUBSCRIPTION_RETRY_MAX_MS,
      endpointConcurrency: config.FHIR_SUBSCRIPTION_ENDPOINT_CONCURRENCY,
      pollMs: config.FHIR_SUBSCRIPTION_POLL_MS,
      leaseMs: Math.max(10000, config.FHIR_SUBSCRIPTION_POLL_MS * 10),
    },
  });
}
