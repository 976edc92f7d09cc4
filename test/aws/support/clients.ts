// SDK clients pointed at the local engines (moto accepts any credentials; the region is fixed).
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { Client } from '@opensearch-project/opensearch';

const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };
export const testRegion = 'us-east-1';

export function dynamoDbClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({ endpoint, region: testRegion, credentials, maxAttempts: 2 });
}

export function s3Client(endpoint: string): S3Client {
  // Path-style: moto serves every bucket on one host. WHEN_REQUIRED keeps the SDK from adding
  // flexible checksums the emulators do not all verify (DESIGN.md: facts about dependencies).
  return new S3Client({ endpoint, region: testRegion, credentials, forcePathStyle: true, requestChecksumCalculation: 'WHEN_REQUIRED' });
}

/** A table or bucket name no other test run uses. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

export function openSearchClient(url: string): Client {
  return new Client({ node: url });
}
