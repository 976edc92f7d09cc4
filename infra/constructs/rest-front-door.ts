import { Duration, Size } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { logGroupProps } from '../defaults/logs-defaults';
import { BINARY_MEDIA_TYPES, TLS_SECURITY_POLICY, stageDefaults, type Throttling } from '../defaults/apigateway-defaults';
import { removalPolicyFor } from '../defaults/removal';
import { acknowledge, compliancePacks } from '../nag';
import { BUNDLED_FILES } from '../lambda-entries';
import { FhirFunction, type FunctionSettings } from './fhir-function';

export interface RestFrontDoorProps {
  readonly settings: FunctionSettings;
  readonly entry: string;
  readonly stageName: string;
  readonly throttling: Throttling;
}

/**
 * FHIR REST on API Gateway: every path and method proxied to one Lambda
 * (rest/lambda-handler.ts), which verifies the bearer token itself with aws-jwt-verify.
 *
 * Why no API Gateway Cognito authorizer: the core must answer 401/403 as OperationOutcome
 * (FHIR http.html), serve /metadata and SMART discovery without a token, and support the SMART
 * scopes mode, which an authorizer cannot express; and the local home verifies tokens the same
 * way, so both homes share one verification path (DESIGN.md: Auth). Throttling bounds what an
 * unauthenticated caller can cost.
 */
export class RestFrontDoor extends Construct {
  readonly api: apigateway.LambdaRestApi;
  readonly handler: IFunction;

  constructor(scope: Construct, id: string, props: RestFrontDoorProps) {
    super(scope, id);
    const { encryptionKey, retainData } = props.settings;
    this.handler = new FhirFunction(this, 'Handler', {
      ...props.settings,
      entry: props.entry,
      description: 'FHIR REST API (API Gateway proxy)',
      memorySize: 1024,
      // API Gateway gives up on an integration after 29 seconds.
      timeout: Duration.seconds(29),
      copyFiles: [BUNDLED_FILES.accessPolicy],
    }).function;
    const accessLogs = new LogGroup(this, 'AccessLogs', logGroupProps(encryptionKey, retainData, removalPolicyFor(retainData)));
    this.api = new apigateway.LambdaRestApi(this, 'Api', {
      handler: this.handler,
      proxy: true,
      description: `FHIR R4 REST API (${props.stageName})`,
      endpointTypes: [apigateway.EndpointType.REGIONAL],
      // Execution logs need the account-level CloudWatch role.
      cloudWatchRole: true,
      minCompressionSize: Size.kibibytes(1),
      deployOptions: stageDefaults(props.stageName, accessLogs, props.throttling),
      binaryMediaTypes: [...BINARY_MEDIA_TYPES],
    });
    const cfnApi = this.api.node.defaultChild as apigateway.CfnRestApi;
    cfnApi.securityPolicy = TLS_SECURITY_POLICY;
    cfnApi.endpointAccessMode = 'STRICT';
    acknowledge(this.api, 'Tokens are verified in the Lambda (see above): /metadata and SMART discovery need none, 401/403 must be OperationOutcomes, and SMART scopes cannot be expressed by an authorizer', 'AwsSolutions-APIG4', 'AwsSolutions-COG4');
    acknowledge(this.api, 'Every request goes to one proxy Lambda that validates FHIR content itself and answers OperationOutcomes with issue.expression; an API Gateway model cannot express FHIR', 'AwsSolutions-APIG2');
    acknowledge(this.api, 'API Gateway writes execution logs only through the account-level role with this AWS managed policy', 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]');
    acknowledge(this.api, 'Responses are per caller and carry PHI: an API cache would serve one caller\'s authorized answer to another', ...compliancePacks('APIGWCacheEnabledAndEncrypted'));
    acknowledge(this.api, 'The integration is a Lambda proxy, not an HTTP backend: there is no backend TLS connection for a client certificate to authenticate', ...compliancePacks('APIGWSSLEnabled'));
  }
}
