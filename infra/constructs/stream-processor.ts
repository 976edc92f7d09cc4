import { Duration } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { deadLetterQueueProps } from '../defaults/sqs-defaults';
import { streamSourceDefaults } from '../defaults/stream-defaults';
import { FhirFunction, type FunctionSettings } from './fhir-function';

export interface StreamProcessorProps {
  readonly settings: FunctionSettings;
  readonly entry: string;
  readonly table: dynamodb.ITable;
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
    }).function;
    handler.addEventSource(new DynamoEventSource(props.table, streamSourceDefaults(this.deadLetterQueue)));
    this.handler = handler;
  }
}
