import { CfnParameter } from 'aws-cdk-lib';
import { Construct } from 'constructs';

/**
 * The SMART on FHIR authorization server of an `authMode=smart` stack (issue 10, defect 2), as
 * CloudFormation parameters so that one synthesized template serves any issuer: every Lambda
 * gets them (wiring/aws.ts refuses to start in smart mode without them) and AppSync trusts the
 * issuer as its OIDC authorization mode.
 * https://hl7.org/fhir/smart-app-launch/app-launch.html (access token, aud = the FHIR base URL)
 */
export class SmartIssuer extends Construct {
  /** The issuer URL (`iss`); AppSync reads <issuer>/.well-known/openid-configuration. */
  readonly issuer: string;
  /** The audience tokens must carry (`aud`), usually the FHIR base URL. */
  readonly audience: string;
  readonly jwksUri: string;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const https = { type: 'String', allowedPattern: '^https://[^\\s]+$', constraintDescription: 'an https:// URL' };
    this.issuer = new CfnParameter(scope, 'SmartIssuer', { ...https, description: 'SMART authorization server issuer (iss)' }).valueAsString;
    this.audience = new CfnParameter(scope, 'SmartAudience', { type: 'String', minLength: 1, description: 'Audience (aud) SMART access tokens must carry, usually the FHIR base URL' }).valueAsString;
    this.jwksUri = new CfnParameter(scope, 'SmartJwksUri', { ...https, description: 'JWKS URL of the SMART authorization server' }).valueAsString;
  }
}
