import * as appsync from 'aws-cdk-lib/aws-appsync';
import type { IUserPool } from 'aws-cdk-lib/aws-cognito';

/**
 * Cognito user pools by default (every query and mutation), IAM as the additional mode for the
 * publish mutation the stream processor calls (its schema field is @aws_iam only). No API key.
 */
export function authorizationDefaults(userPool: IUserPool): appsync.AuthorizationConfig {
  return {
    defaultAuthorization: { authorizationType: appsync.AuthorizationType.USER_POOL, userPoolConfig: { userPool } },
    additionalAuthorizationModes: [{ authorizationType: appsync.AuthorizationType.IAM }],
  };
}

/**
 * Field errors only, without request/response content (which would be PHI). Set on the L1
 * resource by graphql-front-door.ts with its own log role: the L2 `logConfig` would add CDK's
 * log-retention custom resource (a Lambda whose role needs Resource "*") and a role allowed to
 * write to every log group.
 */
export const LOG_CONFIG = { fieldLogLevel: 'ERROR', excludeVerboseContent: true } as const;
