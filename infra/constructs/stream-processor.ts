import { Duration } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acknowledge } from '../nag';
import { deadLetterQueueProps } from '../defaults/sqs-defaults';
import { streamSourceDefaults } from '../defaults/stream-defaults';
import { FhirFunction, type FunctionSettings } from './fhir-function';

export interface StreamProcessorProps {
  readonly settings: FunctionSettings;
  readonly entry: string;
  readonly table: dynamodb.ITable;
  /**
   * Executions reserved for the processor, so that a burst at the front doors cannot starve
   * indexing and notifications (issue 10). With one batch per shard at a time, more than the
   * table's shard count is never used.
   */
  readonly reservedConcurrency: number;
}

/**
 * The DynamoDB stream processor (DESIGN.md: AWS data path): indexes committed versions in
 * OpenSearch and publishes them to AppSync subscriptions; failed ranges land in an encrypted
 * dead-letter queue. Reading the stream is its only table permission.
 */
export class StreamProcessor extends Construct {
  readonly handler: IFunction;
  readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: StreamProcessorProps) {
    super(scope, id);
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', deadLetterQueueProps(props.settings.encryptionKey));
    const handler = new FhirFunction(this, 'Handler', {
      ...props.settings,
      entry: props.entry,
      description: 'FHIR: DynamoDB stream to OpenSearch index and AppSync subscriptions',
      memorySize: 512,
      timeout: Duration.minutes(1),
      reservedConcurrency: props.reservedConcurrency,
    }).function;
    acknowledge(this.deadLetterQueue, 'This queue is the dead-letter destination of the stream\'s event source mapping; a queue behind it would only move the same messages', 'AwsSolutions-SQS3');
    acknowledge(this, 'CDK\'s grants for reading an encrypted stream and sending to the encrypted dead-letter queue use kms:GenerateDataKey* and kms:ReEncrypt* on the one data key', 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]', 'AwsSolutions-IAM5[Action::kms:ReEncrypt*]');
    handler.addEventSource(new DynamoEventSource(props.table, streamSourceDefaults(this.deadLetterQueue)));
    this.handler = handler;
  }
}
