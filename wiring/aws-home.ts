// The composition root of `npm run start:aws` (issue 9, "Both homes over HTTP"): the AWS home
// (wiring/aws.ts: DynamoDB, OpenSearch, S3) on the local engines that services/start.sh runs
// (moto and OpenSearch), with the local dev issuer in place of Cognito: the same tokens as
// `npm start`, verified against pinned keys (nothing is fetched from AWS). It creates the table
// (with its stream) and the bucket on moto, and builds the stream processor's handler.
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { CachingTokenVerifier } from '../adapters/auth/caching-token-verifier';
import { createDevIssuer, createLocalVerifier, DEV_CLIENT_ID, DEV_ISSUER, DEV_USER_POOL_ID, type DevIssuer } from '../adapters/auth/dev-issuer';
import { ensureResourceTable } from '../adapters/aws/dynamodb-table';
import type { FrontDoor } from '../core/http/front-door';
import type { TokenVerifier } from '../core/ports/token-verifier';
import { createAwsApp, createAwsStreamHandler, parseAwsConfig, type AwsApp, type AwsConfig } from './aws';
import type { AwsHomeConfig } from './config';

export interface AwsHome {
  readonly config: AwsConfig;
  readonly app: AwsApp;
  /** The REST Lambda's front door, with the dev issuer's verifier. */
  readonly door: FrontDoor;
  readonly issuer: DevIssuer;
  readonly verifier: TokenVerifier;
  /** The stream processor Lambda's handler. */
  readonly streamHandler: (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse>;
  readonly streamArn: string;
  close(): Promise<void>;
}

export async function createAwsHome(home: AwsHomeConfig, env: Readonly<Record<string, string | undefined>>): Promise<AwsHome> {
  const issuer = createDevIssuer(home.FHIR_DATA_DIR);
  // Cognito mode against the dev issuer's pool id; the verifier is replaced below.
  const config = parseAwsConfig({
    FHIR_COGNITO_USER_POOL_ID: DEV_USER_POOL_ID,
    FHIR_COGNITO_CLIENT_ID: DEV_CLIENT_ID,
    // SMART mode: the dev issuer is the authorization server (its keys are pinned below).
    FHIR_SMART_ISSUER: DEV_ISSUER,
    FHIR_SMART_AUDIENCE: DEV_CLIENT_ID,
    FHIR_SMART_JWKS_URI: `${DEV_ISSUER}/.well-known/jwks.json`,
    FHIR_OPENSEARCH_SIGV4: 'false',
    ...env,
    FHIR_BINARY_BUCKET: home.FHIR_BINARY_BUCKET,
  });
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
  const app = createAwsApp(config);
  const verifier = new CachingTokenVerifier(createLocalVerifier(issuer, config.FHIR_AUTH_MODE === 'smart' ? 'smart' : 'cognito'));
  return {
    config,
    app,
    door: { ...app.door, verifier: config.FHIR_AUTH_MODE === 'none' ? undefined : verifier },
    issuer,
    verifier,
    streamHandler: createAwsStreamHandler(config),
    streamArn,
    close: () => app.close(),
  };
}
