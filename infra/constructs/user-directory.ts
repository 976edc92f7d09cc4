import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { USER_GROUPS, appClientDefaults, userPoolDefaults } from '../defaults/cognito-defaults';
import { removalPolicyFor } from '../defaults/removal';
import { HostedSignIn } from './hosted-sign-in';
import { acknowledge } from '../nag';

export interface UserDirectoryProps {
  readonly stage: string;
  readonly retainData: boolean;
  readonly mfaRequired: boolean;
}

/**
 * Users and groups (DESIGN.md: Auth). Tokens carry `cognito:groups` and `custom:tenantId`;
 * the FHIR Lambdas verify them with aws-jwt-verify, AppSync verifies them itself.
 */
export class UserDirectory extends Construct {
  readonly userPool: cognito.UserPool;
  readonly appClient: cognito.UserPoolClient;
  readonly hostedSignIn: HostedSignIn;

  constructor(scope: Construct, id: string, props: UserDirectoryProps) {
    super(scope, id);
    this.userPool = new cognito.UserPool(this, 'UserPool', userPoolDefaults(props.retainData, removalPolicyFor(props.retainData), props.mfaRequired));
    this.appClient = this.userPool.addClient('AppClient', appClientDefaults());
    this.hostedSignIn = new HostedSignIn(this, 'HostedSignIn', { stage: props.stage, userPool: this.userPool, appClient: this.appClient });
    for (const group of USER_GROUPS) {
      this.userPool.addGroup(`Group-${group}`, { groupName: group, description: `FHIR access policy group ${group}` });
    }
    if (!props.mfaRequired) acknowledge(this, 'MFA is optional only where configured (`-c mfa=optional`; the default outside prod); prod requires TOTP', 'AwsSolutions-COG2');
  }
}
