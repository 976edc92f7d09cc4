/**
 * CDK feature flags this app relies on, set by app.ts and by the infra tests alike (an app
 * without cdk.json would otherwise get the legacy behaviour):
 * - access-log delivery by bucket policy, not the LogDeliveryWrite ACL, so buckets keep
 *   ObjectOwnership BucketOwnerEnforced (ACLs disabled);
 * - merged, minimal IAM policy statements;
 * - API Gateway's account CloudWatch role only where asked for (RestFrontDoor asks).
 */
export const FEATURE_FLAGS: Readonly<Record<string, boolean>> = {
  '@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy': true,
  '@aws-cdk/aws-iam:minimizePolicies': true,
  '@aws-cdk/aws-apigateway:disableCloudWatchRole': true,
  '@aws-cdk/core:enablePartitionLiterals': true,
};
