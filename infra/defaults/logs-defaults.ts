import type { RemovalPolicy } from 'aws-cdk-lib';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { RetentionDays, type LogGroupProps } from 'aws-cdk-lib/aws-logs';

/**
 * Log groups are created explicitly (not by Lambda on first write, and not through CDK's
 * log-retention custom resource, whose role needs Resource "*"), encrypted with the data key
 * because error logs can quote resource content, and kept a bounded time.
 */
export function logGroupProps(encryptionKey: IKey, retainData: boolean, removalPolicy: RemovalPolicy): LogGroupProps {
  return {
    encryptionKey,
    // Six years where data is kept: HIPAA's documentation retention (45 CFR 164.316(b)(2)(i)).
    retention: retainData ? RetentionDays.SIX_YEARS : RetentionDays.ONE_MONTH,
    removalPolicy,
  };
}
