import { Duration } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type { DlqDestinationConfig, IEventSourceDlq, IFunction } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acknowledge } from '../nag';
import { removalPolicyFor } from '../defaults/removal';
import { deadLetterQueueProps } from '../defaults/sqs-defaults';
import { streamSourceDefaults } from '../defaults/stream-defaults';
import type { DataKey } from './data-key';
import { FhirFunction, type FunctionSettings } from './fhir-function';

export interface StreamProcessorProps {
  readonly settings: FunctionSettings;
  readonly entry: string;
  readonly table: dynamodb.ITable;
  /** The key of the table, its stream and the dead-letter queue. */
  readonly dataKey: DataKey;
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
    // Retained with the data (issue 10): dead letters name the stream ranges still to replay.
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', { ...deadLetterQueueProps(props.settings.encryptionKey), removalPolicy: removalPolicyFor(props.settings.retainData) });
    const handler = new FhirFunction(this, 'Handler', {
      ...props.settings,
      entry: props.entry,
      description: 'FHIR: DynamoDB stream to OpenSearch index and AppSync subscriptions',
      memorySize: 512,
      timeout: Duration.minutes(1),
      reservedConcurrency: props.reservedConcurrency,
    }).function;
    acknowledge(this.deadLetterQueue, 'This queue is the dead-letter destination of the stream\'s event source mapping; a queue behind it would only move the same messages', 'AwsSolutions-SQS3');
    // Least privilege (issue 10): CDK's own grants for an encrypted stream and an encrypted
    // queue give kms:Decrypt, GenerateDataKey* and ReEncrypt* on the key for any use. The event
    // source reads the stream through a reference that carries no key, and the KMS grants are
    // the two this function's role needs, each through its service only.
    const stream = dynamodb.Table.fromTableAttributes(this, 'Stream', { tableArn: props.table.tableArn, ...(props.table.tableStreamArn === undefined ? {} : { tableStreamArn: props.table.tableStreamArn }) });
    handler.addEventSource(new DynamoEventSource(stream, streamSourceDefaults(new SendOnlyDlq(this.deadLetterQueue))));
    props.dataKey.grantStreamRead(handler);
    props.dataKey.grantQueueSend(handler);
    this.handler = handler;
  }
}

/**
 * The on-failure destination of a stream event source mapping: Lambda sends the failed range's
 * metadata with the function's role, which needs sqs:SendMessage on the queue and nothing more
 * (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html#invocation-async-destinations).
 */
class SendOnlyDlq implements IEventSourceDlq {
  constructor(private readonly queue: sqs.IQueue) {}

  bind(_target: unknown, targetHandler: IFunction): DlqDestinationConfig {
    this.queue.grant(targetHandler, 'sqs:SendMessage');
    return { destination: this.queue.queueArn };
  }
}
