// The composition root of the AWS home (DESIGN.md: wiring/aws.ts; issue 6): DynamoDB as the
// system of record, OpenSearch for search (indexed on the write path with refresh wait_for and
// again from the stream), S3 for binaries, Cognito tokens. The REST and AppSync Lambda entries
// build their front door from createAwsApp; the stream entry uses createAwsStreamHandler.
// Environment names are infra/lambda-entries.ts's LAMBDA_ENV; the endpoint overrides exist for
// the local engines (moto, a local OpenSearch node) in tests and benchmarks.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { Client } from '@opensearch-project/opensearch';
import type { Jwks } from 'aws-jwt-verify/jwk';
import { AwsSigv4Signer } from '@opensearch-project/opensearch/lib/aws/index-v3.js';
import { z } from 'zod';
import { loadAccessPolicyConfigFile } from '../adapters/auth/access-policy-file';
import { CachingTokenVerifier } from '../adapters/auth/caching-token-verifier';
import { EndpointJwksFetcher } from '../adapters/auth/endpoint-jwks-fetcher';
import { JwtTokenVerifier } from '../adapters/auth/jwt-token-verifier';
import { AppSyncChangeFeed } from '../adapters/aws/appsync-change-feed';
import { DynamoDbResourceStore, maxTransactionActions } from '../adapters/aws/dynamodb-resource-store';
import { IndexingResourceStore } from '../adapters/aws/indexing-resource-store';
import { maxInnerMatches } from '../adapters/aws/opensearch-compiler';
import { OpenSearchIndexWriter } from '../adapters/aws/opensearch-index-writer';
import { OpenSearchSearchIndex } from '../adapters/aws/opensearch-search-index';
import { S3BinaryStore } from '../adapters/aws/s3-binary-store';
import { createStreamHandler, type StreamHandler } from '../adapters/aws/stream-processor';
import { InProcessChangeFeed } from '../adapters/embedded/in-process-change-feed';
import { allowAllPolicy } from '../core/authz/access-policy';
import type { AccessPolicyConfig } from '../core/authz/access-policy-config';
import { createAccessPolicy } from '../core/authz/create-access-policy';
import type { CoreConfig } from '../core/config';
import { createCoreDeps, SERVER_INFO } from '../core/create-core-deps';
import type { CoreDeps, Logger } from '../core/core-deps';
import { FhirError } from '../core/errors/fhir-error';
import type { FrontDoor } from '../core/http/front-door';
import type { ServerInfo } from '../core/http/handle-request';
import type { ChangeFeed } from '../core/ports/change-feed';
import type { ResourceStore } from '../core/ports/resource-store';
import { ConfigError } from './config';
import { createLogger } from './logger';

const booleanFlag = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

export const awsConfigSchema = z.object({
  AWS_REGION: z.string().min(1).default('us-east-1'),
  FHIR_STAGE: z.string().min(1).default('dev'),
  FHIR_TABLE_NAME: z.string().min(1),
  FHIR_BINARY_BUCKET: z.string().min(1).optional(),
  /** https://domain of the OpenSearch cluster; without it the AWS home has no search. */
  FHIR_OPENSEARCH_ENDPOINT: z.url().optional(),
  FHIR_OPENSEARCH_INDEX_PREFIX: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/).default('fhir'),
  /**
   * refresh_interval of new type indexes: how long a write waits, at most, until a search sees
   * it (read-after-write uses refresh=wait_for). Shorter costs more indexing work.
   */
  FHIR_OPENSEARCH_REFRESH_INTERVAL: z.string().regex(/^\d+(ms|s)$/).default('1s'),
  /** Sign OpenSearch requests with SigV4 (Amazon OpenSearch Service). Off for a local node. */
  FHIR_OPENSEARCH_SIGV4: booleanFlag.default(true),
  FHIR_MULTI_TENANCY: booleanFlag.default(false),
  /** cognito (groups, the default), smart (SMART scopes) or none (unauthenticated, local engines only). */
  FHIR_AUTH_MODE: z.enum(['cognito', 'smart', 'none']).default('cognito'),
  FHIR_COGNITO_USER_POOL_ID: z.string().min(1).optional(),
  FHIR_COGNITO_CLIENT_ID: z.string().min(1).optional(),
  /** SMART mode: the authorization server's issuer, the expected audience and its JWKS URL. */
  FHIR_SMART_ISSUER: z.url().optional(),
  FHIR_SMART_AUDIENCE: z.string().min(1).optional(),
  FHIR_SMART_JWKS_URI: z.url().optional(),
  FHIR_ACCESS_POLICY_FILE: z.string().optional(),
  /**
   * A JWKS file whose keys the token verifier pins instead of fetching the issuer's: the local dev
   * issuer's keys under `npm run start:aws` (issue 9). Absent on AWS.
   */
  FHIR_JWKS_FILE: z.string().min(1).optional(),
  /** The AppSync GraphQL URL the stream processor publishes committed changes to. */
  FHIR_APPSYNC_URL: z.url().optional(),
  FHIR_MAX_BODY_BYTES: z.coerce.number().int().positive().default(6 * 1024 * 1024),
  FHIR_MAX_PAGE_SIZE: z.coerce.number().int().positive().default(1000),
  /** Endpoint overrides for local engines (moto); absent on AWS. */
  FHIR_DYNAMODB_ENDPOINT: z.url().optional(),
  FHIR_S3_ENDPOINT: z.url().optional(),
  /** Serves Cognito's JWKS paths (moto's cognito-idp); absent on AWS, where Cognito serves them. */
  FHIR_COGNITO_ENDPOINT: z.url().optional(),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
});

export type AwsConfig = z.output<typeof awsConfigSchema>;

export function parseAwsConfig(env: Readonly<Record<string, string | undefined>>): AwsConfig {
  const result = awsConfigSchema.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`).join('\n');
    throw new ConfigError(`Invalid AWS configuration:\n${problems}`);
  }
  const config = result.data;
  if (config.FHIR_AUTH_MODE === 'cognito' && (!config.FHIR_COGNITO_USER_POOL_ID || !config.FHIR_COGNITO_CLIENT_ID)) {
    throw new ConfigError('Invalid AWS configuration:\n  FHIR_COGNITO_USER_POOL_ID and FHIR_COGNITO_CLIENT_ID are required when FHIR_AUTH_MODE is cognito');
  }
  if (config.FHIR_AUTH_MODE === 'smart' && (!config.FHIR_SMART_ISSUER || !config.FHIR_SMART_AUDIENCE || !config.FHIR_SMART_JWKS_URI)) {
    throw new ConfigError('Invalid AWS configuration:\n  FHIR_SMART_ISSUER, FHIR_SMART_AUDIENCE and FHIR_SMART_JWKS_URI are required when FHIR_AUTH_MODE is smart');
  }
  return config;
}

export const AWS_SERVER_INFO: ServerInfo = SERVER_INFO;

/**
 * GraphQL on AWS is AppSync's endpoint (DESIGN.md: GraphQL): AppSync checks the token before any
 * resolver runs and shapes errors itself, so these differ from the local /graphql (issue 9,
 * "Both homes over HTTP": a difference between the homes is stated here or it is a defect).
 */
export const APPSYNC_GRAPHQL_LIMITATION =
  'GraphQL is served by AppSync: a request without a valid token is refused by AppSync itself (401 UnauthorizedException, with no WWW-Authenticate challenge and no OperationOutcome), and a resolver error carries its status and OperationOutcome in errorInfo instead of extensions.';

export interface AwsApp {
  readonly config: AwsConfig;
  readonly deps: CoreDeps;
  readonly door: FrontDoor;
  readonly binaries: S3BinaryStore | undefined;
  close(): Promise<void>;
}

interface AwsClients {
  readonly dynamo: DynamoDBClient;
  readonly openSearch: Client | undefined;
}

function createClients(config: AwsConfig): AwsClients {
  const dynamo = new DynamoDBClient({ region: config.AWS_REGION, ...(config.FHIR_DYNAMODB_ENDPOINT ? { endpoint: config.FHIR_DYNAMODB_ENDPOINT } : {}) });
  if (!config.FHIR_OPENSEARCH_ENDPOINT) return { dynamo, openSearch: undefined };
  const signer = config.FHIR_OPENSEARCH_SIGV4
    ? AwsSigv4Signer({ region: config.AWS_REGION, service: 'es', getCredentials: () => dynamo.config.credentials() })
    : {};
  return { dynamo, openSearch: new Client({ node: config.FHIR_OPENSEARCH_ENDPOINT, ...signer }) };
}

/** Search without an OpenSearch domain: every search is refused plainly rather than wrongly empty. */
const noSearchIndex = {
  search: (): Promise<never> => Promise.reject(new FhirError('NOT_IMPLEMENTED', 'Search needs an OpenSearch domain (FHIR_OPENSEARCH_ENDPOINT)')),
};

const jwksFileSchema = z.object({ keys: z.array(z.looseObject({ kty: z.string(), kid: z.string() })).min(1) });

/** The pinned keys of FHIR_JWKS_FILE, checked once at start. */
function pinnedJwks(file: string | undefined): { jwks?: Jwks } {
  if (file === undefined) return {};
  const parsed = jwksFileSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new ConfigError(`Invalid AWS configuration:\n  FHIR_JWKS_FILE ${file} is not a JWKS with keys (kty, kid)`);
  return { jwks: parsed.data as Jwks };
}

function createVerifier(config: AwsConfig): JwtTokenVerifier | undefined {
  switch (config.FHIR_AUTH_MODE) {
    case 'cognito':
      return new JwtTokenVerifier({
        mode: 'cognito',
        userPoolId: config.FHIR_COGNITO_USER_POOL_ID ?? '',
        clientId: config.FHIR_COGNITO_CLIENT_ID ?? '',
        ...(config.FHIR_COGNITO_ENDPOINT === undefined ? {} : { jwksFetcher: new EndpointJwksFetcher(config.FHIR_COGNITO_ENDPOINT) }),
        ...pinnedJwks(config.FHIR_JWKS_FILE),
      });
    case 'smart':
      return new JwtTokenVerifier({
        mode: 'smart', issuer: config.FHIR_SMART_ISSUER ?? '', audience: config.FHIR_SMART_AUDIENCE ?? '', jwksUri: config.FHIR_SMART_JWKS_URI ?? '', ...pinnedJwks(config.FHIR_JWKS_FILE),
      });
    case 'none':
      return undefined;
  }
}

/** Builds the core's dependencies and front door once per Lambda container. */
export function createAwsApp(config: AwsConfig, log: Logger = createLogger(config.LOG_LEVEL)): AwsApp {
  const clients = createClients(config);
  const coreConfig: CoreConfig = {
    multiTenancy: config.FHIR_MULTI_TENANCY,
    updateCreate: true,
    maxBodyBytes: config.FHIR_MAX_BODY_BYTES,
    maxBundleEntries: 20000,
    defaultPageSize: 20,
    maxPageSize: config.FHIR_MAX_PAGE_SIZE,
    maxJsonDepth: 64,
    // Stated in the CapabilityStatement (issue 6): what the AWS backends do differently from SQLite.
    limitations: [
      `A transaction commits at most ${maxTransactionActions / 2} writes (DynamoDB TransactWriteItems takes ${maxTransactionActions} items, two per write); larger ones are refused whole.`,
      'History at type and system level gives no Bundle.total, and may miss a write of the last moments (DynamoDB index lag).',
      `Chained and _has searches are refused when their inner search matches more than ${maxInnerMatches} resources.`,
      'Subscribers receive changes at least once (stream retries may repeat one).',
      APPSYNC_GRAPHQL_LIMITATION,
      ...(config.FHIR_OPENSEARCH_ENDPOINT ? [] : ['Search is not available: no OpenSearch domain is configured.']),
    ],
  };
  const dynamoStore = new DynamoDbResourceStore({ tableName: config.FHIR_TABLE_NAME, client: clients.dynamo });
  const store: ResourceStore = clients.openSearch
    ? new IndexingResourceStore({
      store: dynamoStore,
      indexWriter: new OpenSearchIndexWriter({
        client: clients.openSearch, indexPrefix: config.FHIR_OPENSEARCH_INDEX_PREFIX, refresh: 'wait_for', refreshInterval: config.FHIR_OPENSEARCH_REFRESH_INTERVAL,
      }),
      onIndexError: (error, tenant, write) => log.warn('write-path indexing failed; the stream processor will index it', {
        tenant, resource: `${write.resourceType}/${write.id}/_history/${write.versionId}`, error: String(error),
      }),
    })
    : dynamoStore;
  const index = clients.openSearch ? new OpenSearchSearchIndex({ client: clients.openSearch, indexPrefix: config.FHIR_OPENSEARCH_INDEX_PREFIX }) : noSearchIndex;
  const accessConfig: AccessPolicyConfig = {
    ...loadAccessPolicyConfigFile(config.FHIR_ACCESS_POLICY_FILE ?? join(__dirname, '..', 'config', 'access-policy.json')),
    mode: config.FHIR_AUTH_MODE === 'smart' ? 'smart' : 'cognito-groups',
  };
  const access = config.FHIR_AUTH_MODE === 'none' ? allowAllPolicy : createAccessPolicy(accessConfig, { multiTenancy: config.FHIR_MULTI_TENANCY });
  // Changes reach subscribers from the stream processor (DESIGN.md: AWS data path), not from the
  // request Lambdas, so the core's own publish has no listeners here.
  const changeFeed: ChangeFeed = new InProcessChangeFeed();
  const binaries = config.FHIR_BINARY_BUCKET
    ? new S3BinaryStore({
      bucket: config.FHIR_BINARY_BUCKET,
      client: new S3Client({ region: config.AWS_REGION, ...(config.FHIR_S3_ENDPOINT ? { endpoint: config.FHIR_S3_ENDPOINT, forcePathStyle: true } : {}) }),
    })
    : undefined;
  const deps = createCoreDeps({ config: coreConfig, store, ...(binaries !== undefined ? { binaries } : {}), index, changeFeed, access, log });
  // A warm container sees the same token again and again; its signature is checked once.
  const inner = createVerifier(config);
  const verifier = inner ? new CachingTokenVerifier(inner) : undefined;
  return {
    config,
    deps,
    door: { deps, info: AWS_SERVER_INFO, verifier },
    binaries,
    async close(): Promise<void> {
      await store.close();
      clients.dynamo.destroy();
      await clients.openSearch?.close();
      binaries?.close();
    },
  };
}

/**
 * The stream processor Lambda's handler: index into OpenSearch, then publish to `changeFeed`
 * (by default AppSync's publishResourceChange when FHIR_APPSYNC_URL is set).
 */
export function createAwsStreamHandler(config: AwsConfig, feed?: ChangeFeed, log: Logger = createLogger(config.LOG_LEVEL)): StreamHandler {
  const { dynamo, openSearch } = createClients(config);
  const changeFeed = feed ?? (config.FHIR_APPSYNC_URL
    ? new AppSyncChangeFeed({ url: config.FHIR_APPSYNC_URL, region: config.AWS_REGION, credentials: () => dynamo.config.credentials() })
    : undefined);
  return createStreamHandler({
    ...(openSearch ? { indexWriter: new OpenSearchIndexWriter({ client: openSearch, indexPrefix: config.FHIR_OPENSEARCH_INDEX_PREFIX, refreshInterval: config.FHIR_OPENSEARCH_REFRESH_INTERVAL }) } : {}),
    ...(changeFeed ? { changeFeed } : {}),
    onRecordError: (error, record) => log.error('stream record failed; Lambda will retry from it', { sequenceNumber: record.dynamodb?.SequenceNumber, error: String(error) }),
  });
}
