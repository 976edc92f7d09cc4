// The one place that names the Lambda entry points and the environment they receive, so the
// AWS composition root (wiring/aws.ts) and this CDK app agree on a short, explicit contract.
//
// Each entry file exports `handler`. The files sit in the layer allowed to import what they
// compose (DESIGN.md: layers): the REST and AppSync entries are transports (they import
// wiring/aws.ts), the stream entry composes adapters only, so it lives in wiring/.
import { existsSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

/** The repository root: bundling resolves entries and package-lock.json from here. */
export const REPO_ROOT = resolve(__dirname, '..');

export type LambdaName = 'rest' | 'graphql' | 'streamProcessor' | 'searchSecurity';

/** Absolute paths of the entry files, by function. */
export type LambdaEntries = Readonly<Record<LambdaName, string>>;

export const DEFAULT_LAMBDA_ENTRIES: LambdaEntries = {
  /** API Gateway proxy events: createRestLambdaHandler(getDoor) over wiring/aws.ts. */
  rest: join(REPO_ROOT, 'rest', 'lambda-main.ts'),
  /** AppSync direct Lambda resolver events (Invoke; root fields only). */
  graphql: join(REPO_ROOT, 'resolvers', 'appsync', 'lambda-main.ts'),
  /** DynamoDB stream events; returns { batchItemFailures } (adapters/aws/stream-processor.ts). */
  streamProcessor: join(REPO_ROOT, 'wiring', 'aws-stream-main.ts'),
  /** CloudFormation custom resource: the search domain's role mapping and audit config. */
  searchSecurity: join(REPO_ROOT, 'wiring', 'aws-search-security-main.ts'),
};

/** Entry files that do not exist yet, relative to the repository root. */
export function missingEntries(entries: LambdaEntries): string[] {
  return Object.values(entries).filter((file) => !existsSync(file)).map((file) => relative(REPO_ROOT, file));
}

/** The exported function name in every entry file. */
export const HANDLER_EXPORT = 'handler';

/** Files read at run time with readFileSync, copied beside the bundle (Lambda's /var/task). */
export const BUNDLED_FILES = {
  graphqlSchema: { source: join('schema', 'schema.graphql'), target: 'schema.graphql' },
  accessPolicy: { source: join('config', 'access-policy.json'), target: 'access-policy.json' },
} as const;

/** Where a bundled file is at run time inside Lambda. */
export function lambdaTaskPath(target: string): string {
  return `/var/task/${target}`;
}

/**
 * Environment variable names the Lambdas receive; wiring/aws.ts parses them (with zod) once.
 * Values that do not apply to a function (e.g. no search domain) are simply absent.
 */
export const LAMBDA_ENV = {
  stage: 'FHIR_STAGE',
  tableName: 'FHIR_TABLE_NAME',
  binaryBucket: 'FHIR_BINARY_BUCKET',
  openSearchEndpoint: 'FHIR_OPENSEARCH_ENDPOINT',
  openSearchIndexPrefix: 'FHIR_OPENSEARCH_INDEX_PREFIX',
  multiTenancy: 'FHIR_MULTI_TENANCY',
  authMode: 'FHIR_AUTH_MODE',
  userPoolId: 'FHIR_COGNITO_USER_POOL_ID',
  userPoolClientId: 'FHIR_COGNITO_CLIENT_ID',
  graphqlTypes: 'FHIR_GRAPHQL_TYPES',
  graphqlSchemaFile: 'FHIR_GRAPHQL_SCHEMA_FILE',
  accessPolicyFile: 'FHIR_ACCESS_POLICY_FILE',
  appSyncUrl: 'FHIR_APPSYNC_URL',
  smartIssuer: 'FHIR_SMART_ISSUER',
  smartAudience: 'FHIR_SMART_AUDIENCE',
  smartJwksUri: 'FHIR_SMART_JWKS_URI',
  baseUrl: 'FHIR_BASE_URL',
} as const;
