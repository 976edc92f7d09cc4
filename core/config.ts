import type { EndpointPolicy } from './subscriptions/endpoint-policy';

/**
 * Settings the core honours. Parsed once, with zod, in wiring/ (STYLE.md) and passed down.
 */
export interface CoreConfig {
  /** URLs are [root]/tenant/<tenantId>/... when true. */
  readonly multiTenancy: boolean;
  /** Whether PUT to an unknown id creates the resource (http.html#upsert). */
  readonly updateCreate: boolean;
  /** Largest accepted request body, in bytes (6 MB matches Lambda's payload limit). */
  readonly maxBodyBytes: number;
  /** Most entries in a batch or transaction Bundle. */
  readonly maxBundleEntries: number;
  /** Default and largest page size for history and search. */
  readonly defaultPageSize: number;
  readonly maxPageSize: number;
  /** Deepest JSON nesting accepted in a body. */
  readonly maxJsonDepth: number;
  /** What this home's backends cannot do yet, stated in the CapabilityStatement (issue 6). */
  readonly limitations?: readonly string[];
  /** How resources are held to the profiles of the IG packages (issue 14); defaults in defaultProfilePolicy. */
  readonly profiles?: ProfilePolicy;
  /** Which rest-hook Subscription endpoints may be reached (issue 13); STRICT_ENDPOINT_POLICY when absent. */
  readonly subscriptionEndpoints?: EndpointPolicy;
  /** Subscription channels this home serves, declared in the CapabilityStatement; none when absent. */
  readonly subscriptionChannels?: readonly string[];
  /** Where the R4 websocket channel is served (capabilitystatement-websocket extension). */
  readonly websocketUrl?: string;
}

export interface ProfilePolicy {
  /** A meta.profile unknown to the registry: rejected (`error`) or accepted with a warning in $validate (`warn`). */
  readonly unknownProfile: 'error' | 'warn';
  /** Extensions whose URL has no definition: `allow` or `refuse`. */
  readonly unknownExtensions: 'allow' | 'refuse';
  /** Resource type -> profiles every resource of the type must meet, claimed or not. */
  readonly requiredProfiles: Readonly<Record<string, readonly string[]>>;
}

export const defaultProfilePolicy: ProfilePolicy = { unknownProfile: 'error', unknownExtensions: 'allow', requiredProfiles: {} };

export const defaultCoreConfig: CoreConfig = {
  multiTenancy: false,
  updateCreate: true,
  maxBodyBytes: 6 * 1024 * 1024,
  maxBundleEntries: 20000,
  defaultPageSize: 20,
  maxPageSize: 1000,
  maxJsonDepth: 64,
};
