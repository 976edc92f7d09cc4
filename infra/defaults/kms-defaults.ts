import { Duration, Stack, type RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { KeyProps } from 'aws-cdk-lib/aws-kms';

/** The customer-managed key for FHIR data (table, bucket, queues, search, logs): rotated yearly. */
export function dataKeyProps(stage: string, removalPolicy: RemovalPolicy): KeyProps {
  return {
    description: `FHIR ${stage}: encrypts resources, binaries, dead letters, the search index and logs`,
    enableKeyRotation: true,
    pendingWindow: Duration.days(30),
    removalPolicy,
  };
}

/**
 * CloudWatch Logs encrypts a log group with a customer key only when the key policy lets the
 * regional logs service use it, scoped to this account's log groups
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html).
 * A key policy's Resource "*" means "this key".
 */
export function logsServiceKeyStatement(stack: Stack): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'AllowCloudWatchLogsForThisAccount',
    principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
    // The AWS page lists these as Encrypt*, Decrypt*, ReEncrypt*, GenerateDataKey*, Describe*;
    // named here (issue 10: no wildcard actions), without the key-pair operations logs never uses.
    actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncryptFrom', 'kms:ReEncryptTo', 'kms:GenerateDataKey', 'kms:GenerateDataKeyWithoutPlaintext', 'kms:DescribeKey'],
    resources: ['*'],
    conditions: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:${stack.partition}:logs:${stack.region}:${stack.account}:log-group:*` } },
  });
}
