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
