import { z } from 'zod';

/**
 * The local server's settings, read from the environment once (STYLE.md: config is parsed
 * once, with zod, and passed down). README.md lists every variable.
 */
const booleanFlag = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

export const localConfigSchema = z.object({
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
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  /** A request head must arrive within this many ms (408 and close otherwise; slow clients). */
  FHIR_HEADERS_TIMEOUT_MS: z.coerce.number().int().positive().default(60_000),
  /** A whole request, body included, must arrive within this many ms (408 and close otherwise). */
  FHIR_REQUEST_TIMEOUT_MS: z.coerce.number().int().positive().default(300_000),
  /** An idle keep-alive connection is closed after this many ms. */
  FHIR_KEEP_ALIVE_TIMEOUT_MS: z.coerce.number().int().positive().default(5_000),
});

export type LocalConfig = z.output<typeof localConfigSchema>;

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
