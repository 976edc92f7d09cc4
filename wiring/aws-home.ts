// The composition root of `npm run start:aws` (issue 9, "Both homes over HTTP"): what CDK and
// the Lambda service provide for the AWS home's functions, on the local engines that
// services/start.sh runs (moto and OpenSearch). It creates the table (with its stream) and the
// bucket on moto, as the stack does, and returns the environment the Lambda entry files
// (infra/lambda-entries.ts) are started with: the same settings as a deployed stage, with the
// endpoints of the local engines, the FHIR base of the local listener, and the local dev issuer
// in place of Cognito (its keys pinned with FHIR_JWKS_FILE, so nothing is fetched from AWS and
// `npm start`'s tokens work). It also gives AppSync's token check (the same verifier).
import { join } from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CachingTokenVerifier } from '../adapters/auth/caching-token-verifier';
import { createDevIssuer, createLocalVerifier, DEV_CLIENT_ID, DEV_ISSUER, DEV_USER_POOL_ID } from '../adapters/auth/dev-issuer';
import { ensureResourceTable } from '../adapters/aws/dynamodb-table';
import type { Logger } from '../core/core-deps';
import type { TokenVerifier } from '../core/ports/token-verifier';
import { createLogger } from './logger';
import { parseAwsConfig, type AwsConfig } from './aws';
import type { AwsHomeConfig } from './config';

export interface AwsHome {
  readonly config: AwsConfig;
  /** The environment of the three functions (process.env for the entry files). */
  readonly environment: Readonly<Record<string, string>>;
  /** AppSync's Cognito (or OIDC) check of the token, before any resolver runs. */
  readonly verifier: TokenVerifier;
  /** The table's stream, for the event source mapping of the stream processor. */
  readonly streamArn: string;
  readonly log: Logger;
}

/** `rootUrl` is the FHIR base of the local listener (http://HOST:PORT/fhir). */
export async function createAwsHome(home: AwsHomeConfig, env: Readonly<Record<string, string | undefined>>, rootUrl: string): Promise<AwsHome> {
  const issuer = createDevIssuer(home.FHIR_DATA_DIR);
  const defined = Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined));
  const environment: Record<string, string> = {
    FHIR_COGNITO_USER_POOL_ID: DEV_USER_POOL_ID,
    FHIR_COGNITO_CLIENT_ID: DEV_CLIENT_ID,
    // SMART mode: the dev issuer is the authorization server.
    FHIR_SMART_ISSUER: DEV_ISSUER,
    FHIR_SMART_AUDIENCE: DEV_CLIENT_ID,
    FHIR_SMART_JWKS_URI: `${DEV_ISSUER}/.well-known/jwks.json`,
    FHIR_OPENSEARCH_SIGV4: 'false',
    ...defined,
    // createDevIssuer writes its public keys here.
    FHIR_JWKS_FILE: join(home.FHIR_DATA_DIR, 'dev-issuer', 'jwks.json'),
    FHIR_BINARY_BUCKET: home.FHIR_BINARY_BUCKET,
    FHIR_BASE_URL: rootUrl,
  };
  const config = parseAwsConfig(environment);
  if (config.FHIR_DYNAMODB_ENDPOINT === undefined || config.FHIR_S3_ENDPOINT === undefined) {
    throw new Error('start:aws runs on the local engines: FHIR_DYNAMODB_ENDPOINT and FHIR_S3_ENDPOINT must name moto (services/start-aws-home.sh sets them)');
  }
  const dynamo = new DynamoDBClient({ region: config.AWS_REGION, endpoint: config.FHIR_DYNAMODB_ENDPOINT });
  const s3 = new S3Client({ region: config.AWS_REGION, endpoint: config.FHIR_S3_ENDPOINT, forcePathStyle: true });
  let streamArn: string | undefined;
  try {
    streamArn = await ensureResourceTable(dynamo, config.FHIR_TABLE_NAME);
    await s3.send(new CreateBucketCommand({ Bucket: home.FHIR_BINARY_BUCKET })).catch((error: unknown) => {
      if ((error as { name?: string }).name !== 'BucketAlreadyOwnedByYou') throw error;
    });
  } finally {
    dynamo.destroy();
    s3.destroy();
  }
  if (streamArn === undefined) throw new Error(`The table ${config.FHIR_TABLE_NAME} has no stream`);
  return {
    config,
    environment,
    verifier: new CachingTokenVerifier(createLocalVerifier(issuer, config.FHIR_AUTH_MODE === 'smart' ? 'smart' : 'cognito')),
    streamArn,
    log: createLogger(config.LOG_LEVEL),
  };
}
