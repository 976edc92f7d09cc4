import { Grant, type IGrantable } from 'aws-cdk-lib/aws-iam';
import type { CfnElement } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { removalPolicyFor } from '../defaults/removal';
import { accessLogBucketProps, dataBucketProps } from '../defaults/s3-defaults';
import { acknowledge, compliancePacks, wildcardUnder } from '../nag';
import type { DataKey } from './data-key';

export interface BinaryBucketProps {
  readonly dataKey: DataKey;
  readonly retainData: boolean;
}

/** Binary resource content and bulk exports (adapters/aws/s3-binary-store.ts), with access logs. */
export class BinaryBucket extends Construct {
  readonly bucket: s3.Bucket;
  readonly accessLogs: s3.Bucket;
  private readonly dataKey: DataKey;

  constructor(scope: Construct, id: string, props: BinaryBucketProps) {
    super(scope, id);
    this.dataKey = props.dataKey;
    const removalPolicy = removalPolicyFor(props.retainData);
    this.accessLogs = new s3.Bucket(this, 'AccessLogs', accessLogBucketProps(removalPolicy, props.retainData));
    this.bucket = new s3.Bucket(this, 'Bucket', {
      ...dataBucketProps(props.dataKey.key, removalPolicy),
      serverAccessLogsBucket: this.accessLogs,
      serverAccessLogsPrefix: 'binaries/',
    });
    acknowledge(this.accessLogs, 'S3 server access log delivery accepts only SSE-S3 target buckets (s3-defaults.ts)', ...compliancePacks('S3DefaultEncryptionKMS'));
    acknowledge(this, 'Cross-region replication needs a second region and key chosen per deployment; versioning and the AWS Backup plan (retainData) cover recovery in the region', ...compliancePacks('S3BucketReplicationEnabled'));
  }

  /**
   * What the S3 BinaryStore does, directly or through presigned URLs signed with these
   * credentials: GetObject and PutObject on objects, with the key to encrypt and decrypt.
   * No listing, no deletes (old versions expire by lifecycle).
   */
  grantObjectAccess(grantee: IGrantable): void {
    Grant.addToPrincipal({ grantee, actions: ['s3:GetObject', 's3:PutObject'], resourceArns: [this.bucket.arnForObjects('*')] });
    this.dataKey.grantDataUse(grantee, ['s3']);
    if (grantee instanceof Construct) acknowledge(grantee, 'Binary and export objects are keyed by resource id: object access is to any key of this one bucket, never list or delete', wildcardUnder(this.bucket.node.defaultChild as CfnElement, '/*'));
  }
}
