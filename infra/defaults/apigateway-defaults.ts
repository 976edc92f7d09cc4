import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import type { ILogGroup } from 'aws-cdk-lib/aws-logs';

export interface Throttling {
  readonly rateLimit: number;
  readonly burstLimit: number;
}

/**
 * The stage: JSON access logs, X-Ray, metrics, stage-wide throttling, execution logs at ERROR
 * only, and never data tracing (it would write request and response bodies, i.e. PHI, to logs).
 */
export function stageDefaults(stageName: string, accessLogs: ILogGroup, throttling: Throttling): apigateway.StageOptions {
  return {
    stageName,
    accessLogDestination: new apigateway.LogGroupLogDestination(accessLogs),
    accessLogFormat: apigateway.AccessLogFormat.jsonWithStandardFields({
      caller: false,
      httpMethod: true,
      ip: true,
      protocol: true,
      requestTime: true,
      resourcePath: true,
      responseLength: true,
      status: true,
      user: false,
    }),
    tracingEnabled: true,
    metricsEnabled: true,
    loggingLevel: apigateway.MethodLoggingLevel.ERROR,
    dataTraceEnabled: false,
    throttlingRateLimit: throttling.rateLimit,
    throttlingBurstLimit: throttling.burstLimit,
  };
}

/**
 * An enhanced security policy (TLS 1.2 minimum, TLS 1.3 preferred, forward secrecy only) with
 * STRICT endpoint access (SNI must name this API), issue 10.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-security-policies.html
 */
export const TLS_SECURITY_POLICY = 'SecurityPolicy_TLS13_1_2_PFS_PQ_2025_09';

/**
 * Media types API Gateway passes to the Lambda as base64 (isBase64Encoded) and returns as raw
 * bytes when the Lambda answers isBase64Encoded (issue 10, defect 3): Binary content read and
 * written natively (https://hl7.org/fhir/R4/binary.html#rest). `* /*` would also turn FHIR JSON
 * into base64 for the Lambda, which it decodes alike, so every non-text type is listed by
 * wildcard instead: API Gateway matches the request's Content-Type and the response's Accept.
 */
export const BINARY_MEDIA_TYPES = ['application/octet-stream', 'application/pdf', 'application/zip', 'application/dicom', 'image/*', 'audio/*', 'video/*', 'multipart/*'] as const;
