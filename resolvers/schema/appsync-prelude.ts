// What AWS AppSync predefines and graphql-js does not: the AWS scalars and the AppSync directives
// (https://docs.aws.amazon.com/appsync/latest/devguide/scalars.html, .../security-authz.html).
// The committed schema/schema.graphql must NOT declare them (AppSync rejects redeclarations), so
// this prelude is added only when the schema is built locally, and for graphql-codegen
// (schema/appsync-prelude.graphql is written from this constant by the generator).
export const APPSYNC_PRELUDE = `scalar AWSDate
scalar AWSTime
scalar AWSDateTime
scalar AWSTimestamp
scalar AWSEmail
scalar AWSJSON
scalar AWSURL
scalar AWSPhone
scalar AWSIPAddress

directive @aws_subscribe(mutations: [String]) on FIELD_DEFINITION
directive @aws_iam on FIELD_DEFINITION | OBJECT
directive @aws_cognito_user_pools(cognito_groups: [String]) on FIELD_DEFINITION | OBJECT
directive @aws_api_key on FIELD_DEFINITION | OBJECT
directive @aws_oidc on FIELD_DEFINITION | OBJECT
directive @aws_lambda on FIELD_DEFINITION | OBJECT
directive @aws_auth(cognito_groups: [String]) on FIELD_DEFINITION
`;

/** Scalars AppSync predefines: a schema may use them but must not declare them. */
export const APPSYNC_SCALARS: readonly string[] = ['AWSDate', 'AWSTime', 'AWSDateTime', 'AWSTimestamp', 'AWSEmail', 'AWSJSON', 'AWSURL', 'AWSPhone', 'AWSIPAddress'];

/** Directives AppSync understands (besides GraphQL's own @deprecated). */
export const APPSYNC_DIRECTIVES: readonly string[] = ['aws_subscribe', 'aws_iam', 'aws_cognito_user_pools', 'aws_api_key', 'aws_oidc', 'aws_lambda', 'aws_auth'];
