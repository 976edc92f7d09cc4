import { Duration } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { DynamoEventSourceProps } from 'aws-cdk-lib/aws-lambda-event-sources';

/**
 * How Lambda reads the table's stream. The processor reports the first failed record
 * (reportBatchItemFailures) so Lambda retries from there, and a batch that keeps failing is
 * bisected to isolate the poison record; after bounded retries (or a day, the stream's own
 * retention) the failed range goes to the dead-letter queue instead of blocking the shard.
 * One batch per shard at a time keeps versions of one resource in order.
 * (https://docs.aws.amazon.com/lambda/latest/dg/with-ddb.html)
 */
export function streamSourceDefaults(onFailure: lambda.IEventSourceDlq): DynamoEventSourceProps {
  return {
    startingPosition: lambda.StartingPosition.TRIM_HORIZON,
    batchSize: 100,
    maxBatchingWindow: Duration.seconds(1),
    parallelizationFactor: 1,
    reportBatchItemFailures: true,
    bisectBatchOnError: true,
    retryAttempts: 10,
    maxRecordAge: Duration.days(1),
    onFailure,
  };
}
