import { Stack } from 'aws-cdk-lib';
import { Grant, type IGrantable } from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { dataKeyProps, logsServiceKeyStatement } from '../defaults/kms-defaults';
import { removalPolicyFor } from '../defaults/removal';

export interface DataKeyProps {
  readonly stage: string;
  readonly retainData: boolean;
}

/**
 * One customer-managed key for everything that holds FHIR data. One key (not one per store)
 * keeps the key policy, the grants and the monthly key cost simple; each Lambda role still gets
 * only the key operations its grants need.
 */
export class DataKey extends Construct {
  readonly key: kms.Key;

  constructor(scope: Construct, id: string, props: DataKeyProps) {
    super(scope, id);
    this.key = new kms.Key(this, 'Key', dataKeyProps(props.stage, removalPolicyFor(props.retainData)));
    this.key.addToResourcePolicy(logsServiceKeyStatement(Stack.of(this)));
  }

  /**
   * Least privilege on the key (issue 10): only the operations that reading and writing items
   * and objects encrypted with it need (S3 SSE-KMS: GenerateDataKey to put, Decrypt to get;
   * DynamoDB: Decrypt/Encrypt/GenerateDataKey of the table key, DescribeKey), and only when
   * the call comes through those services (kms:ViaService), never directly.
   * https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service
   */
  grantDataUse(grantee: IGrantable, services: readonly ('dynamodb' | 's3')[]): void {
    this.grantVia(grantee, services, ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:DescribeKey']);
  }

  /**
   * Reading the table's stream: DynamoDB Streams decrypts records with the table key on the
   * reader's behalf, which needs kms:Decrypt through DynamoDB and nothing else.
   * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/encryption.usagenotes.html
   */
  grantStreamRead(grantee: IGrantable): void {
    this.grantVia(grantee, ['dynamodb'], ['kms:Decrypt']);
  }

  /**
   * Sending to a queue encrypted with this key: SQS needs the sender's kms:GenerateDataKey (and
   * kms:Decrypt to reuse a cached data key), through SQS only.
   * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-key-management.html#send-to-encrypted-queue
   */
  grantQueueSend(grantee: IGrantable): void {
    this.grantVia(grantee, ['sqs'], ['kms:GenerateDataKey', 'kms:Decrypt']);
  }

  private grantVia(grantee: IGrantable, services: readonly ('dynamodb' | 's3' | 'sqs')[], actions: readonly string[]): void {
    const region = Stack.of(this).region;
    Grant.addToPrincipal({
      grantee,
      actions: [...actions],
      resourceArns: [this.key.keyArn],
      conditions: { StringEquals: { 'kms:ViaService': services.map((service) => `${service}.${region}.amazonaws.com`) } },
    });
  }
}
