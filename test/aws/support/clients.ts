// SDK clients pointed at the local engines (moto accepts any credentials; the region is fixed).
import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, DeleteBucketCommand, DeleteObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { Client } from '@opensearch-project/opensearch';
import { ensureResourceTable } from '../../../adapters/aws/dynamodb-table';

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

/** The resource table and binary bucket a bundled Lambda is pointed at, created in moto. */
export async function createDataStores(endpoint: string, tableName: string, bucket: string): Promise<void> {
  const dynamo = dynamoDbClient(endpoint);
  await ensureResourceTable(dynamo, tableName);
  dynamo.destroy();
  const s3 = s3Client(endpoint);
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  s3.destroy();
}

/** Removes what createDataStores made, emptying the bucket first. */
export async function deleteDataStores(endpoint: string, tableName: string, bucket: string): Promise<void> {
  const dynamo = dynamoDbClient(endpoint);
  await dynamo.send(new DeleteTableCommand({ TableName: tableName }));
  dynamo.destroy();
  const s3 = s3Client(endpoint);
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
  for (const object of listed.Contents ?? []) await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: object.Key }));
  await s3.send(new DeleteBucketCommand({ Bucket: bucket }));
  s3.destroy();
}
