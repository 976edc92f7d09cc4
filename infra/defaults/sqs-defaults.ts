import { Duration } from 'aws-cdk-lib';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';

/**
 * A dead-letter queue holds failed stream batches' metadata (shard and sequence numbers), kept
 * the SQS maximum of 14 days so an operator can replay them; encrypted with the data key and
 * reachable over TLS only.
 */
export function deadLetterQueueProps(encryptionMasterKey: IKey): sqs.QueueProps {
  return {
    encryption: sqs.QueueEncryption.KMS,
    encryptionMasterKey,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  };
}
