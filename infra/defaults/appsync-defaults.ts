import * as appsync from 'aws-cdk-lib/aws-appsync';
import type { IUserPool } from 'aws-cdk-lib/aws-cognito';

/** Who signs users' tokens: the stack's Cognito pool, or a SMART authorization server (OIDC). */
export type UserTokenIssuer = { readonly kind: 'cognito'; readonly userPool: IUserPool } | { readonly kind: 'smart'; readonly issuer: string; readonly audience: string };

/**
 * Users' tokens by default (every query, mutation and subscription): Cognito user pools, or in
 * SMART mode the SMART issuer as OIDC, with the audience as the client id AppSync checks. IAM
 * is the additional mode for the publish mutation the stream processor calls (its schema field
 * is @aws_iam only). No API key.
 */
export function authorizationDefaults(users: UserTokenIssuer): appsync.AuthorizationConfig {
  const defaultAuthorization: appsync.AuthorizationMode = users.kind === 'cognito'
    ? { authorizationType: appsync.AuthorizationType.USER_POOL, userPoolConfig: { userPool: users.userPool } }
    : { authorizationType: appsync.AuthorizationType.OIDC, openIdConnectConfig: { oidcProvider: users.issuer, clientId: users.audience } };
  return { defaultAuthorization, additionalAuthorizationModes: [{ authorizationType: appsync.AuthorizationType.IAM }] };
}

/**
 * The schema's auth directives for the users' mode: the generated SDL names Cognito
 * (@aws_cognito_user_pools) beside @aws_iam on the subscription types; with a SMART issuer
 * those fields are for OIDC callers instead
 * (https://docs.aws.amazon.com/appsync/latest/devguide/security-authz.html, "Schema directives").
 */
export function schemaForUsers(sdl: string, users: UserTokenIssuer): string {
  return users.kind === 'cognito' ? sdl : sdl.replaceAll('@aws_cognito_user_pools', '@aws_oidc');
}

/**
 * Field errors only, without request/response content (which would be PHI). Set on the L1
 * resource by graphql-front-door.ts with its own log role: the L2 `logConfig` would add CDK's
 * log-retention custom resource (a Lambda whose role needs Resource "*") and a role allowed to
 * write to every log group.
 */
export const LOG_CONFIG = { fieldLogLevel: 'ERROR', excludeVerboseContent: true } as const;

/**
 * Bounds on one operation (issue 10): how deep a query may nest (FHIR GraphQL nests through
 * Reference.resource; 10 levels is far beyond any real use) and how many resolvers it may run
 * (root fields only here, so few). Introspection is off in prod.
 * https://docs.aws.amazon.com/appsync/latest/devguide/configuring-query-depth-limit.html
 */
export function graphqlLimits(production: boolean): Pick<appsync.GraphqlApiProps, 'queryDepthLimit' | 'resolverCountLimit' | 'introspectionConfig'> {
  return {
    queryDepthLimit: 10,
    resolverCountLimit: 50,
    introspectionConfig: production ? appsync.IntrospectionConfig.DISABLED : appsync.IntrospectionConfig.ENABLED,
  };
}
