// The AWS ChangeFeed (DESIGN.md: GraphQL subscriptions): the stream processor publishes each
// committed change through AppSync's IAM-only `publishResourceChange` mutation, and AppSync
// fans it out to `onResourceChange` subscribers (@aws_subscribe), filtered per subscriber.
// Publishing is ordered (one change at a time) so that subscribers see a resource's versions in
// commit order; a failure throws, so the stream processor reports the record for retry.
import { changeAudience } from '../../core/authz/read-audience';
import { FhirError } from '../../core/errors/fhir-error';
import type { ChangeFeed, ChangeListener, ResourceChange } from '../../core/ports/change-feed';
import { signRequest, type AwsCredentials } from './sigv4';

export interface AppSyncChangeFeedOptions {
  /** The AppSync GraphQL endpoint, https://xxx.appsync-api.<region>.amazonaws.com/graphql. */
  readonly url: string;
  readonly region: string;
  /** The Lambda role's credentials (e.g. an SDK client's `config.credentials`). */
  readonly credentials: () => Promise<AwsCredentials>;
  /** Injected for tests against a local endpoint; the global fetch otherwise. */
  readonly fetch?: typeof fetch;
}

/** The mutation the publisher (stream processor, IAM-signed) sends to AppSync for each commit. */
export const PUBLISH_RESOURCE_CHANGE = `mutation Publish($tenant: String!, $action: ResourceChangeAction!, $resourceType: String!, $id: ID!, $versionId: String!, $lastUpdated: String!, $resource: AWSJSON, $audience: [String!]) {
  publishResourceChange(tenant: $tenant, action: $action, resourceType: $resourceType, id: $id, versionId: $versionId, lastUpdated: $lastUpdated, resource: $resource, audience: $audience) {
    tenant action resourceType id versionId lastUpdated resource audience
  }
}`;

/**
 * AppSync refuses a subscription message over 240 KB
 * (https://docs.aws.amazon.com/general/latest/gr/appsync.html, "Subscription payload size"); a
 * change whose resource would not fit is published without its body, and subscribers read the
 * version itself (the ids and versionId are there). A margin is kept for the envelope.
 */
export const MAX_PUBLISHED_RESOURCE_BYTES = 200 * 1024;

/**
 * Variables of PUBLISH_RESOURCE_CHANGE for one committed change, with the audience labels that
 * the subscribers' enhanced filters match (core/authz/read-audience.ts).
 */
export function publishVariables(change: ResourceChange): Record<string, unknown> {
  // AWSJSON travels as a JSON string.
  const resource = change.resource === undefined ? null : JSON.stringify(change.resource);
  return {
    tenant: change.tenant, action: change.action, resourceType: change.resourceType, id: change.id,
    versionId: change.versionId, lastUpdated: change.lastUpdated,
    resource: resource !== null && Buffer.byteLength(resource) > MAX_PUBLISHED_RESOURCE_BYTES ? null : resource,
    audience: changeAudience(change.resourceType, change.resource),
  };
}

export class AppSyncChangeFeed implements ChangeFeed {
  private readonly url: URL;
  private readonly region: string;
  private readonly credentials: () => Promise<AwsCredentials>;
  private readonly fetch: typeof fetch;

  constructor(options: AppSyncChangeFeedOptions) {
    this.url = new URL(options.url);
    this.region = options.region;
    this.credentials = options.credentials;
    this.fetch = options.fetch ?? fetch;
  }

  async publish(changes: readonly ResourceChange[]): Promise<void> {
    for (const change of changes) await this.publishOne(change);
  }

  /** Subscribers connect to AppSync itself; nothing subscribes in a Lambda. */
  subscribe(_listener: ChangeListener): () => void {
    throw new Error('AppSyncChangeFeed only publishes; subscribe through AppSync (onResourceChange)');
  }

  private async publishOne(change: ResourceChange): Promise<void> {
    const body = JSON.stringify({ query: PUBLISH_RESOURCE_CHANGE, operationName: 'Publish', variables: publishVariables(change) });
    const headers = signRequest({ method: 'POST', url: this.url, headers: { 'content-type': 'application/json' }, body }, await this.credentials(), this.region, 'appsync');
    const response = await this.fetch(this.url, { method: 'POST', headers, body });
    const text = await response.text();
    if (response.status === 429) {
      throw new FhirError('TOO_MANY_REQUESTS', 'AppSync throttled the change publication', { headers: { 'retry-after': '1' } });
    }
    if (!response.ok) throw new Error(`AppSync refused the change publication (HTTP ${response.status}): ${text.slice(0, 500)}`);
    const result = JSON.parse(text) as { errors?: readonly { message?: string }[] };
    if (result.errors && result.errors.length > 0) {
      throw new Error(`AppSync rejected the change publication: ${result.errors.map((e) => e.message ?? '?').join('; ')}`);
    }
  }
}
