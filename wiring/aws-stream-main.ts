// The stream processor Lambda's entry point (infra/lambda-entries.ts names this file):
// DynamoDB stream records to OpenSearch and to AppSync subscribers.
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import type { StreamHandler } from '../adapters/aws/stream-processor';
import { createAwsStreamHandler, parseAwsConfig } from './aws';

let handle: StreamHandler | undefined;

export function handler(event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> {
  handle ??= createAwsStreamHandler(parseAwsConfig(process.env));
  return handle(event);
}
