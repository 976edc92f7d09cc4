import { z } from 'zod';

/**
 * The local server's settings, read from the environment once (STYLE.md: config is parsed
 * once, with zod, and passed down). README.md lists every variable.
 */
const booleanFlag = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

const list = z.string().transform((v) => v.split(',').map((s) => s.trim()).filter((s) => s !== ''));

/**
 * IG packages and profile validation (issue 14), the same in both homes: packages are files or
 * folders here, S3 keys of the stack's bucket on AWS.
 */
export const igConfigShape = {
  /** Comma-separated IG packages (`.tgz` or folders in the FHIR NPM layout). */
  FHIR_IG_PACKAGES: list.default([]),
  /** A meta.profile the registry does not know: `error` (400, the default) or `warn` (accepted, not checked). */
  FHIR_UNKNOWN_PROFILE: z.enum(['error', 'warn']).default('error'),
  /** Extensions without a definition in the packages or R4: `allow` (default) or `refuse`. */
  FHIR_UNKNOWN_EXTENSIONS: z.enum(['allow', 'refuse']).default('allow'),
  /** Profiles every resource of a type must meet, e.g. `Patient=http://hl7.org/fhir/us/core/StructureDefinition/us-core-patient`, comma-separated. */
  FHIR_REQUIRED_PROFILES: list.pipe(z.array(z.string().regex(/^[A-Z][A-Za-z]+=\S+$/, 'expected Type=profile-url'))).default([]),
} as const;

export const localConfigSchema = z.object({
  ...igConfigShape,
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().default('127.0.0.1'),
  FHIR_DATA_DIR: z.string().min(1).default('./data'),
  /** Public root URL of the FHIR API; defaults to http://HOST:PORT/fhir. */
  FHIR_BASE_URL: z.url().optional(),
  FHIR_MULTI_TENANCY: booleanFlag.default(false),
  /** cognito (groups, the default), smart (SMART on FHIR scopes), or none (explicitly unauthenticated). */
  FHIR_AUTH_MODE: z.enum(['cognito', 'smart', 'none']).default('cognito'),
  /** A JSON access-policy file replacing config/access-policy.json. */
  FHIR_ACCESS_POLICY_FILE: z.string().optional(),
  FHIR_UPDATE_CREATE: booleanFlag.default(true),
  FHIR_MAX_BODY_BYTES: z.coerce.number().int().positive().default(6 * 1024 * 1024),
  FHIR_MAX_BUNDLE_ENTRIES: z.coerce.number().int().positive().default(20000),
  FHIR_MAX_PAGE_SIZE: z.coerce.number().int().positive().default(1000),
  /** Types in the GraphQL schema: all (default) or a comma-separated list. */
  FHIR_GRAPHQL_TYPES: z.string().optional(),
  /**
   * SQLite durability: FULL (default) fsyncs every commit and survives power loss; NORMAL
   * survives a crash or kill -9 of the process (WAL) but may lose the last commits on power loss.
   */
  FHIR_SQLITE_SYNCHRONOUS: z.enum(['FULL', 'NORMAL']).default('FULL'),
  /** Origins allowed by CORS: `*` (default; tokens are bearer headers, never cookies) or a comma-separated list. */
  FHIR_CORS_ORIGINS: z.string().default('*'),
  /** FHIR Subscriptions (rest-hook, websocket): the dispatcher runs in one process per database. */
  FHIR_SUBSCRIPTIONS: booleanFlag.default(true),
  /** Loopback rest-hook endpoints (127.0.0.0/8, ::1), for local development. */
  FHIR_SUBSCRIPTION_ALLOW_LOOPBACK: booleanFlag.default(true),
  /** http: rest-hook endpoints beyond loopback (otherwise https only). */
  FHIR_SUBSCRIPTION_ALLOW_HTTP: booleanFlag.default(false),
  /** Comma-separated CIDRs a rest-hook may reach although private or link-local, e.g. 10.1.0.0/16. */
  FHIR_SUBSCRIPTION_ALLOWED_CIDRS: z.string().default(''),
  FHIR_SUBSCRIPTION_TIMEOUT_MS: z.coerce.number().int().positive().default(10000),
  /** Attempts per notification before the Subscription turns to error (at least 3: two retries). */
  FHIR_SUBSCRIPTION_MAX_ATTEMPTS: z.coerce.number().int().min(3).default(5),
  FHIR_SUBSCRIPTION_RETRY_BASE_MS: z.coerce.number().int().positive().default(1000),
  FHIR_SUBSCRIPTION_RETRY_MAX_MS: z.coerce.number().int().positive().default(300000),
  /** Requests in flight to one endpoint origin at most. */
  FHIR_SUBSCRIPTION_ENDPOINT_CONCURRENCY: z.coerce.number().int().positive().default(4),
  /** How often the dispatcher looks for other processes' commits and due retries. */
  FHIR_SUBSCRIPTION_POLL_MS: z.coerce.number().int().positive().default(500),
  /** Bulk Data $export: a file is split after this many resources, or about this many bytes. */
  FHIR_EXPORT_MAX_RESOURCES_PER_FILE: z.coerce.number().int().positive().default(100_000),
  FHIR_EXPORT_MAX_FILE_BYTES: z.coerce.number().int().positive().default(1024 * 1024 * 1024),
  /** Seconds after a job ends until its files and record are deleted (default 24 h). */
  FHIR_EXPORT_EXPIRY_SECONDS: z.coerce.number().int().positive().default(24 * 3600),
  /** Cognito groups that may start a system-level export (comma-separated). */
  FHIR_EXPORT_SYSTEM_GROUPS: z.string().default('practitioner').transform((v) => v.split(',').map((g) => g.trim()).filter((g) => g !== '')),
  FHIR_EXPORT_MAX_JOBS_PER_CALLER: z.coerce.number().int().positive().default(2),
  FHIR_EXPORT_MAX_JOBS_PER_TENANT: z.coerce.number().int().positive().default(5),
  /** The security audit log: one JSON line per request (issue 13). */
  FHIR_AUDIT_LOG: booleanFlag.default(true),
  /** Where the audit log goes; default FHIR_DATA_DIR/audit/audit.jsonl. */
  FHIR_AUDIT_LOG_FILE: z.string().optional(),
  /** Rotate the audit log at this size; keep this many rotated files. */
  FHIR_AUDIT_LOG_MAX_BYTES: z.coerce.number().int().min(1024).default(50 * 1024 * 1024),
  FHIR_AUDIT_LOG_MAX_FILES: z.coerce.number().int().min(1).default(10),
  /** Also write each audit record as a FHIR AuditEvent (Basic Audit Log Patterns), searchable by auditors. */
  FHIR_AUDIT_EVENTS: booleanFlag.default(false),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  /** A request head must arrive within this many ms (408 and close otherwise; slow clients). */
  FHIR_HEADERS_TIMEOUT_MS: z.coerce.number().int().positive().default(60_000),
  /** A whole request, body included, must arrive within this many ms (408 and close otherwise). */
  FHIR_REQUEST_TIMEOUT_MS: z.coerce.number().int().positive().default(300_000),
  /** An idle keep-alive connection is closed after this many ms. */
  FHIR_KEEP_ALIVE_TIMEOUT_MS: z.coerce.number().int().positive().default(5_000),
  /** Open TCP connections at most; Node drops the ones beyond (issue 16, "Overload"). */
  FHIR_MAX_CONNECTIONS: z.coerce.number().int().positive().default(2048),
  /** Largest request head (request line and headers) in bytes; 431 beyond. */
  FHIR_MAX_HEADER_BYTES: z.coerce.number().int().min(1024).default(16 * 1024),
  /** Longest request target (path and query) in characters; 414 beyond. POST _search takes longer queries. */
  FHIR_MAX_URL_LENGTH: z.coerce.number().int().min(256).default(8192),
  /** Reads (GET, HEAD) handled at once, and waiting for a slot; 503 with Retry-After beyond. */
  FHIR_MAX_CONCURRENT_READS: z.coerce.number().int().positive().default(128),
  FHIR_MAX_QUEUED_READS: z.coerce.number().int().min(0).default(1024),
  /** Writes (every other method, GraphQL POSTs included) handled at once, and waiting; 503 with Retry-After beyond. */
  FHIR_MAX_CONCURRENT_WRITES: z.coerce.number().int().positive().default(64),
  FHIR_MAX_QUEUED_WRITES: z.coerce.number().int().min(0).default(512),
  /** A request that waited this long for a slot is refused with 503. */
  FHIR_QUEUE_TIMEOUT_MS: z.coerce.number().int().positive().default(30_000),
  /** Open WebSockets (GraphQL subscriptions and the FHIR websocket channel together); 503 beyond. */
  FHIR_MAX_WEBSOCKET_CONNECTIONS: z.coerce.number().int().positive().default(1000),
  /** Subscriptions (GraphQL) or bindings (FHIR websocket) per WebSocket. */
  FHIR_MAX_SUBSCRIPTIONS_PER_CONNECTION: z.coerce.number().int().positive().default(100),
});

export type LocalConfig = z.output<typeof localConfigSchema>;

/**
 * `npm run start:aws` (issue 9): the AWS home's handlers served on 127.0.0.1 over the local
 * engines. The listener and the dev issuer's data directory; the AWS settings themselves are
 * wiring/aws.ts's (FHIR_TABLE_NAME, FHIR_DYNAMODB_ENDPOINT, ...), set by services/start-aws-home.sh.
 */
export const awsHomeConfigSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().default('127.0.0.1'),
  /** Where the dev issuer keeps its keys (the same issuer as `npm start` with the same dir). */
  FHIR_DATA_DIR: z.string().min(1).default('./data'),
  /** The S3 bucket for Binary content, created on moto at start. */
  FHIR_BINARY_BUCKET: z.string().min(3).default('fhir-local-binaries'),
});

export type AwsHomeConfig = z.output<typeof awsHomeConfigSchema>;

export function parseAwsHomeConfig(env: Readonly<Record<string, string | undefined>>): AwsHomeConfig {
  const result = awsHomeConfigSchema.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`).join('\n');
    throw new ConfigError(`Invalid configuration:\n${problems}`);
  }
  return result.data;
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export function parseLocalConfig(env: Readonly<Record<string, string | undefined>>): LocalConfig {
  const result = localConfigSchema.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`).join('\n');
    throw new ConfigError(`Invalid configuration:\n${problems}`);
  }
  return result.data;
}

/** `Type=url` pairs of FHIR_REQUIRED_PROFILES as type -> profile URLs. */
export function requiredProfiles(pairs: readonly string[]): Readonly<Record<string, readonly string[]>> {
  const out: Record<string, string[]> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    (out[pair.slice(0, eq)] ??= []).push(pair.slice(eq + 1));
  }
  return out;
}
