import { RemovalPolicy } from 'aws-cdk-lib';

/**
 * Data stores are RETAINed (and deletion-protected where the service has it) when the stage
 * keeps data; a throw-away stage is destroyed with its stack. Buckets are never emptied by a
 * custom resource: a non-empty bucket makes `cdk destroy` fail rather than lose data.
 */
export function removalPolicyFor(retainData: boolean): RemovalPolicy {
  return retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
}
