// The security audit log port (issue 13, "Security audit log"; the seed's "Security Logging").
// One record per request: who, how, what, when, where, correlation id and outcome. Never the
// resource content or the token: records are built from the request line, the principal's
// claims and the response status, never from bodies or headers other than User-Agent.

export type AuditTransport = 'rest' | 'graphql' | 'websocket';
/** success: 2xx/3xx; failure: refused or invalid (4xx); error: the server failed (5xx). */
export type AuditOutcome = 'success' | 'failure' | 'error';

export interface AuditRecord {
  /** When, as an ISO 8601 instant. */
  readonly time: string;
  readonly correlationId: string;
  readonly outcome: AuditOutcome;
  readonly who: {
    readonly subject?: string;
    readonly username?: string;
    readonly groups?: readonly string[];
    readonly scopes?: readonly string[];
    readonly tenant?: string;
    readonly clientId?: string;
    readonly fhirUser?: string;
  };
  readonly how: {
    /** A FHIR interaction (http.html) or `operation`, `batch`, `transaction`, `subscribe`. */
    readonly interaction: string;
    /** The $operation, the GraphQL root field, or the subscription field. */
    readonly operation?: string;
    readonly method?: string;
    readonly transport: AuditTransport;
  };
  readonly what: {
    readonly resourceType?: string;
    readonly id?: string;
    readonly versionId?: string;
    /** The search or conditional query, with token-like parameters removed. */
    readonly query?: string;
    readonly resultCount?: number;
    readonly status: number;
  };
  readonly where: {
    readonly sourceIp?: string;
    readonly userAgent?: string;
  };
}

export interface AuditSink {
  /** Never throws and never waits: auditing must not slow or fail the request. */
  record(record: AuditRecord): void;
  /** Resolves when every record so far is written. */
  flush(): Promise<void>;
  close(): Promise<void>;
}
