import { Stack } from 'aws-cdk-lib';
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
}
