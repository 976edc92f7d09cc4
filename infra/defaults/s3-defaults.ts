import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';

/**
 * Audit and access logs of a stage that keeps data are kept six years: HIPAA's documentation
 * retention (45 CFR 164.316(b)(2)(i)).
 */
export const ACCESS_LOG_DAYS_KEPT = 6 * 365 + 2;

/** Settings every bucket here shares: no public access, no ACLs, TLS 1.2+ only. */
function lockedDown(removalPolicy: RemovalPolicy): s3.BucketProps {
  return {
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    enforceSSL: true,
    minimumTLSVersion: 1.2,
    removalPolicy,
  };
}

/** Binaries and exports: SSE-KMS with the data key (bucket keys cut KMS calls), versioned. */
export function dataBucketProps(encryptionKey: IKey, removalPolicy: RemovalPolicy): s3.BucketProps {
  return {
    ...lockedDown(removalPolicy),
    encryption: s3.BucketEncryption.KMS,
    encryptionKey,
    bucketKeyEnabled: true,
    versioned: true,
    lifecycleRules: [
      { id: 'expire-old-versions', noncurrentVersionExpiration: Duration.days(90) },
      { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(7) },
      // Bulk $export files are meant to be fetched, not kept (FHIR Bulk Data: expiry is allowed).
      { id: 'expire-exports', prefix: 'exports/', expiration: Duration.days(7) },
    ],
  };
}

/**
 * The server-access-log target. S3 delivers access logs only to buckets encrypted with SSE-S3
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html),
 * so this one bucket is the documented exception to SSE-KMS. Delivery is granted by a bucket
 * policy, not an ACL (feature flag @aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy).
 */
export function accessLogBucketProps(removalPolicy: RemovalPolicy, retainData: boolean): s3.BucketProps {
  return {
    ...lockedDown(removalPolicy),
    encryption: s3.BucketEncryption.S3_MANAGED,
    // Versioned so that a deleted or overwritten log object can be recovered (HIPAA 164.312(c)).
    versioned: true,
    lifecycleRules: [
      { id: 'expire-access-logs', expiration: Duration.days(retainData ? ACCESS_LOG_DAYS_KEPT : 30), noncurrentVersionExpiration: Duration.days(30) },
    ],
  };
}

/**
 * A static site read only by CloudFront through origin access control (the web console).
 * SSE-S3: the files are public by design once served, and OAC reads SSE-S3 objects without
 * a key policy; versioned so a bad deployment can be rolled back.
 */
export function staticSiteBucketProps(removalPolicy: RemovalPolicy): s3.BucketProps {
  return {
    ...lockedDown(removalPolicy),
    encryption: s3.BucketEncryption.S3_MANAGED,
    versioned: true,
    lifecycleRules: [{ id: 'expire-old-versions', noncurrentVersionExpiration: Duration.days(30) }],
  };
}
