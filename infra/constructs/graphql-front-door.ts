import { Duration, type CfnElement } from 'aws-cdk-lib';
import * as appsync from 'aws-cdk-lib/aws-appsync';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ON_RESOURCE_CHANGE_RESOLVER_CODE } from '../../resolvers/appsync/subscription-audience';
import { DEFAULT_SCHEMA_FILE } from '../../resolvers/schema/load';
import { LOG_CONFIG, authorizationDefaults, graphqlLimits, schemaForUsers, type UserTokenIssuer } from '../defaults/appsync-defaults';
import { acknowledge, compliancePacks, wildcardUnder } from '../nag';
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
  readonly users: UserTokenIssuer;
  /** Introspection off, as in prod: the schema is public in the repository, not an oracle for callers. */
  readonly production: boolean;
  /** The SDL AppSync serves: schema/schema.graphql or its subset for the configured types. */
  readonly schemaSdl: string;
}

/** The publish mutation only hands its arguments to subscribers (a local resolver). */
const PUBLISH_CODE = `
export function request(ctx) { return { payload: ctx.args }; }
export function response(ctx) { return ctx.result; }
`;

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
    schema.definition = schemaForUsers(props.schemaSdl, props.users);
    this.api = new appsync.GraphqlApi(this, 'Api', {
      name: `fhir-${props.stage}`,
      definition: appsync.Definition.fromSchema(schema),
      authorizationConfig: authorizationDefaults(props.users),
      xrayEnabled: true,
      ...graphqlLimits(props.production),
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

    const local = this.api.addNoneDataSource('Local', { description: 'The publish mutation, without a Lambda' });
    for (const { typeName, fieldName } of fields.publish) {
      local.createResolver(`${typeName}${fieldName}`, { typeName, fieldName, runtime: appsync.FunctionRuntime.JS_1_0_0, code: appsync.Code.fromInline(PUBLISH_CODE) });
    }
    // Subscribe-time authorization in every mode (issue 10): the FHIR Lambda authorizes the
    // caller as a read would (groups or SMART scopes, tenant) and answers the enhanced filter
    // that keeps the subscription to what the caller may read (subscription-audience.ts).
    for (const { typeName, fieldName } of fields.subscriptions) {
      fhir.createResolver(`${typeName}${fieldName}`, { typeName, fieldName, runtime: appsync.FunctionRuntime.JS_1_0_0, code: appsync.Code.fromInline(ON_RESOURCE_CHANGE_RESOLVER_CODE) });
    }
    this.publishFields = fields.publish.map((field) => field.fieldName);

    acknowledge(this.api, 'Verbose (request and response) content would write PHI and tokens to logs; field errors are logged without it', 'AwsSolutions-ASC3');
    acknowledge(this.api, 'AppSync invokes the FHIR function and its versions/aliases (<function ARN>:*), that function only', wildcardUnder(this.handler.node.defaultChild as CfnElement, ':*'));
    acknowledge(this, 'CDK writes each role\'s grants as one AWS::IAM::Policy attached to that role only (AppSync data source and log roles)', ...compliancePacks('IAMNoInlinePolicy'));
  }
}
