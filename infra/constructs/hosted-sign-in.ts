import { Aws, CfnCondition, CfnOutput, CfnParameter, Fn, Stack, type ICfnRuleConditionExpression } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { HOSTED_UI_SCOPES } from '../defaults/cognito-defaults';
import { acknowledge } from '../nag';

export interface HostedSignInProps {
  readonly stage: string;
  readonly userPool: cognito.IUserPool;
  readonly appClient: cognito.UserPoolClient;
}

/** Stack parameter names (infra/README.md, "Sign-in"); the web console's hosted sign-in reads them. */
export const HOSTED_UI_PARAMETERS = {
  callbackUrls: 'HostedUiCallbackUrls',
  logoutUrls: 'HostedUiLogoutUrls',
} as const;

/**
 * Cognito's hosted sign-in (managed login) for browser apps, switched on at deploy time
 * (issue 10): with `HostedUiCallbackUrls` empty (the default) the app client has no OAuth flow at
 * all and apps sign in with SRP; with URLs it allows the authorization code grant only (public
 * client: apps must send a PKCE S256 challenge, RFC 7636), redirects only to those URLs, and the
 * pool gets the domain `fhir-<stage>-<account>.auth.<region>.amazoncognito.com`. Never the
 * implicit grant (tokens in the URL fragment; OAuth 2.0 Security BCP, RFC 9700 section 2.1.2)
 * and never CDK's placeholder callback `https://example.com`.
 */
export class HostedSignIn extends Construct {
  /** True when the stack was deployed with callback URLs. */
  readonly enabled: CfnCondition;
  /** The hosted sign-in base URL (meaningful only under `enabled`). */
  readonly baseUrl: string;
  readonly callbackUrls: CfnParameter;
  readonly logoutUrls: CfnParameter;

  constructor(scope: Construct, id: string, props: HostedSignInProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const urlList = { type: 'CommaDelimitedList', default: '', allowedPattern: '^(https://[^\\s,]+|http://localhost(:[0-9]+)?(/[^\\s,]*)?)?$' };
    const callbackUrls = new CfnParameter(stack, HOSTED_UI_PARAMETERS.callbackUrls, {
      ...urlList,
      description: 'Hosted sign-in redirect URLs (https://, or http://localhost for development), comma-separated; empty = no hosted sign-in, SRP only',
      constraintDescription: 'comma-separated https:// URLs (or http://localhost)',
    });
    const logoutUrls = new CfnParameter(stack, HOSTED_UI_PARAMETERS.logoutUrls, {
      ...urlList,
      description: 'URLs the hosted sign-out may redirect to, comma-separated; empty = none',
      constraintDescription: 'comma-separated https:// URLs (or http://localhost)',
    });
    const given = (parameter: CfnParameter): ICfnRuleConditionExpression => Fn.conditionNot(Fn.conditionEquals(Fn.join('', parameter.valueAsList), ''));
    this.enabled = new CfnCondition(stack, 'HostedUiEnabled', { expression: given(callbackUrls) });
    const signOut = new CfnCondition(stack, 'HostedUiSignOut', { expression: Fn.conditionAnd(this.enabled, given(logoutUrls)) });

    const client = props.appClient.node.defaultChild as cognito.CfnUserPoolClient;
    const whenEnabled = (value: unknown): unknown => Fn.conditionIf(this.enabled.logicalId, value, Aws.NO_VALUE);
    client.addPropertyOverride('AllowedOAuthFlowsUserPoolClient', Fn.conditionIf(this.enabled.logicalId, true, false));
    client.addPropertyOverride('AllowedOAuthFlows', whenEnabled(['code']));
    client.addPropertyOverride('AllowedOAuthScopes', whenEnabled(HOSTED_UI_SCOPES));
    client.addPropertyOverride('CallbackURLs', whenEnabled(callbackUrls.valueAsList));
    client.addPropertyOverride('LogoutURLs', Fn.conditionIf(signOut.logicalId, logoutUrls.valueAsList, Aws.NO_VALUE));
    client.addPropertyOverride('SupportedIdentityProviders', whenEnabled(['COGNITO']));
    acknowledge(client, 'The URL lists reach the client only under conditions that exclude the empty default; the validator checks both Fn::If branches with the default value', 'CloudFormation-Validate::F3033', 'CloudFormation-Validate::F3031');

    const prefix = Fn.join('-', ['fhir', props.stage, Aws.ACCOUNT_ID]);
    const domain = new cognito.CfnUserPoolDomain(this, 'Domain', { domain: prefix, userPoolId: props.userPool.userPoolId });
    domain.cfnOptions.condition = this.enabled;
    this.callbackUrls = callbackUrls;
    this.logoutUrls = logoutUrls;
    this.baseUrl = Fn.join('', ['https://', prefix, '.auth.', Aws.REGION, '.amazoncognito.com']);
    const output = new CfnOutput(this, 'HostedUiDomain', {
      value: this.baseUrl,
      description: 'Hosted sign-in base URL (/oauth2/authorize, /oauth2/token, /logout)',
    });
    output.condition = this.enabled;
    output.overrideLogicalId('HostedUiDomain');
  }
}
