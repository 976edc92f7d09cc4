import { Duration } from 'aws-cdk-lib';
import * as appsync from 'aws-cdk-lib/aws-appsync';
import type { IUserPool } from 'aws-cdk-lib/aws-cognito';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { DEFAULT_SCHEMA_FILE } from '../../resolvers/schema/load';
import { LOG_CONFIG, authorizationDefaults } from '../defaults/appsync-defaults';
import { TENANT_ATTRIBUTE } from '../defaults/cognito-defaults';
import { logGroupProps } from '../defaults/logs-defaults';
import { removalPolicyFor } from '../defaults/removal';
import { rootFieldsOf } from '../graphql-root-fields';
import { BUNDLED_FILES } from '../lambda-entries';
import { FhirFunction, type FunctionSettings } from './fhir-function';
import { RootFieldResolvers } from './root-field-resolvers';

export interface GraphqlFrontDoorProps {
  readonly settings: FunctionSettings;
  readonly entry: string;
  readonly stage: string;
  readonly userPool: IUserPool;
  /** The SDL AppSync serves: schema/schema.graphql or its subset for the configured types. */
  readonly schemaSdl: string;
  readonly multiTenancy: boolean;
}

/** The publish mutation only hands its arguments to subscribers (a local resolver). */
const PUBLISH_CODE = `
export function request(ctx) { return { payload: ctx.args }; }
export function response(ctx) { return ctx.result; }
`;

/**
 * With multi-tenancy, a subscriber only ever receives changes of its own tenant: the tenant is
 * taken from the verified token, never from the subscription's arguments (DESIGN.md: Auth).
 * Once a resolver sets an enhanced filter, the filter decides delivery, so the client's other
 * arguments are restated in it. Written without loops: APPSYNC_JS supports a subset of
 * JavaScript.
 * https://docs.aws.amazon.com/appsync/latest/devguide/aws-appsync-real-time-enhanced-filtering.html
 */
export function tenantFilterCode(argumentNames: readonly string[]): string {
  const restated = argumentNames
    .filter((name) => name !== 'tenant' && /^[_A-Za-z][_0-9A-Za-z]*$/.test(name))
    .map((name) => `  if (args.${name} !== undefined && args.${name} !== null) { filter.${name} = { eq: args.${name} }; }`);
  return [
    "import { util, extensions } from '@aws-appsync/utils';",
    'export function request() { return { payload: null }; }',
    'export function response(ctx) {',
    '  const claims = ctx.identity && ctx.identity.claims ? ctx.identity.claims : {};',
    `  const tenant = claims['custom:${TENANT_ATTRIBUTE}'];`,
    '  if (!tenant) { util.unauthorized(); }',
    '  const args = ctx.args || {};',
    '  const filter = { tenant: { eq: tenant } };',
    ...restated,
    '  extensions.setSubscriptionFilter(util.transform.toSubscriptionFilter(filter));',
    '  return null;',
    '}',
    '',
  ].join('\n');
}

/** FHIR GraphQL on AppSync (DESIGN.md: GraphQL): schema, auth modes, resolvers, subscriptions. */
export class GraphqlFrontDoor extends Construct {
  readonly api: appsync.GraphqlApi;
  readonly handler: IFunction;
  /** The IAM-only mutations that publish committed changes to subscribers. */
  readonly publishFields: readonly string[];

  constructor(scope: Construct, id: string, props: GraphqlFrontDoorProps) {
    super(scope, id);
    const { encryptionKey, retainData } = props.settings;
    this.handler = new FhirFunction(this, 'Handler', {
      ...props.settings,
      entry: props.entry,
      description: 'FHIR GraphQL (AppSync direct Lambda resolver on root fields)',
      memorySize: 1024,
      // AppSync stops waiting for a Lambda data source after 30 seconds.
      timeout: Duration.seconds(30),
      copyFiles: [BUNDLED_FILES.graphqlSchema, BUNDLED_FILES.accessPolicy],
    }).function;

    const schema = appsync.SchemaFile.fromAsset(DEFAULT_SCHEMA_FILE);
    schema.definition = props.schemaSdl;
    this.api = new appsync.GraphqlApi(this, 'Api', {
      name: `fhir-${props.stage}`,
      definition: appsync.Definition.fromSchema(schema),
      authorizationConfig: authorizationDefaults(props.userPool),
      xrayEnabled: true,
    });
    // AppSync writes to this fixed name; creating it here encrypts it and bounds its retention,
    // and AppSync's log role may write to this group and no other.
    const logGroup = new LogGroup(this, 'Logs', {
      ...logGroupProps(encryptionKey, retainData, removalPolicyFor(retainData)),
      logGroupName: `/aws/appsync/apis/${this.api.apiId}`,
    });
    const logsRole = new iam.Role(this, 'LogsRole', { assumedBy: new iam.ServicePrincipal('appsync.amazonaws.com') });
    logGroup.grantWrite(logsRole);
    const cfnApi = this.api.node.defaultChild as appsync.CfnGraphQLApi;
    cfnApi.logConfig = { ...LOG_CONFIG, cloudWatchLogsRoleArn: logsRole.roleArn };

    const fields = rootFieldsOf(props.schemaSdl);
    const fhir = this.api.addLambdaDataSource('Fhir', this.handler, { description: 'The FHIR core behind every query and mutation' });
    new RootFieldResolvers(this, 'RootFields', { api: this.api, dataSource: fhir, fields: fields.lambda });

    const local = this.api.addNoneDataSource('Local', { description: 'Publish and subscription filters, without a Lambda' });
    for (const { typeName, fieldName } of fields.publish) {
      local.createResolver(`${typeName}${fieldName}`, { typeName, fieldName, runtime: appsync.FunctionRuntime.JS_1_0_0, code: appsync.Code.fromInline(PUBLISH_CODE) });
    }
    if (props.multiTenancy) {
      for (const { typeName, fieldName, arguments: argumentNames } of fields.subscriptions) {
        const code = appsync.Code.fromInline(tenantFilterCode(argumentNames));
        local.createResolver(`${typeName}${fieldName}`, { typeName, fieldName, runtime: appsync.FunctionRuntime.JS_1_0_0, code });
      }
    }
    this.publishFields = fields.publish.map((field) => field.fieldName);
  }
}
