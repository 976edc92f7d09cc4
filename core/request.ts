// The transport-neutral request and response (DESIGN.md: "The core").
// REST (local server and API Gateway) builds a FhirRequest; GraphQL resolvers call the
// interactions directly with a RequestContext.

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Who is calling, as established by a TokenVerifier (or the explicit no-auth mode). */
export interface Principal {
  /** Stable subject id (token `sub`), or `anonymous` in no-auth mode. */
  readonly subject: string;
  /** Cognito groups (`cognito:groups`). */
  readonly groups: readonly string[];
  /** Tenant from the token (`custom:tenantId`), when the token has one. */
  readonly tenant?: string;
  /** SMART scopes from the token's `scope` claim. */
  readonly scopes: readonly string[];
  /** SMART `fhirUser` claim, e.g. `Practitioner/123`. */
  readonly fhirUser?: string;
  /** SMART launch context patient id. */
  readonly patient?: string;
  /** True only in the explicit no-auth mode. */
  readonly unauthenticated?: boolean;
  /** The user name (`cognito:username` or `username`), for the audit log. */
  readonly username?: string;
  /** The app client the token was issued to (`client_id`, or `aud` of an ID token), for the audit log. */
  readonly clientId?: string;
}

/** Everything about the caller and the place of the call that every interaction needs. */
export interface RequestContext {
  readonly principal: Principal;
  /** Tenant of the URL; `default` when multi-tenancy is off. */
  readonly tenant: string;
  /** Absolute base URL for this tenant, without a trailing slash, e.g. http://127.0.0.1:8080/fhir. */
  readonly baseUrl: string;
  readonly correlationId: string;
  /** Where the request came from, for the audit log. */
  readonly client?: { readonly sourceIp?: string; readonly userAgent?: string };
}

export interface RequestBody {
  readonly contentType: string | undefined;
  readonly text: string;
  /** The raw bytes, when the transport has them (Binary uploads in a non-FHIR media type). */
  readonly bytes?: Uint8Array;
}

export interface FhirRequest {
  readonly method: HttpMethod;
  /** Path segments after the base (and the tenant), decoded, e.g. ['Patient', '1', '_history', '2']. */
  readonly path: readonly string[];
  /** Query parameters in order; repeated names stay repeated (AND semantics in search). */
  readonly query: readonly (readonly [string, string])[];
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body?: RequestBody;
  readonly context: RequestContext;
}

/** A rendered response: transports copy it out verbatim. */
export interface FhirResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  /** JSON text, or raw bytes for a Binary read in its own media type (binary.html#rest). */
  readonly body?: string | Uint8Array;
  /**
   * A body too large to hold in memory (a Bulk Data output file), read when the transport
   * sends it. Only transports that serve such files (the local server) honour it.
   */
  readonly stream?: () => AsyncIterable<Uint8Array>;
  /** Facts for the audit log that only the rendered result knows; transports do not send them. */
  readonly audit?: { readonly resultCount?: number; readonly bundleType?: 'batch' | 'transaction' };
}

export const DEFAULT_TENANT = 'default';
