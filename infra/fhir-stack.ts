import { CfnOutput, Fn, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { schemaSdl } from '../resolvers/schema/load';
import type { InfraConfig } from './config';
import { BinaryBucket } from './constructs/binary-bucket';
import { DataKey } from './constructs/data-key';
import type { FunctionSettings } from './constructs/fhir-function';
import { GraphqlFrontDoor } from './constructs/graphql-front-door';
import { ResourceTable } from './constructs/resource-table';
import { RestFrontDoor } from './constructs/rest-front-door';
import { SearchDomain } from './constructs/search-domain';
import { SearchSecurity } from './constructs/search-security';
import { SmartIssuer } from './constructs/smart-issuer';
import { StreamProcessor } from './constructs/stream-processor';
import { UserDirectory } from './constructs/user-directory';
import { WebFirewall } from './constructs/web-firewall';
import { DataBackup } from './constructs/data-backup';
import { WebConsole } from './constructs/web-console';
import { BUNDLED_FILES, DEFAULT_LAMBDA_ENTRIES, LAMBDA_ENV, lambdaTaskPath, type LambdaEntries } from './lambda-entries';

export interface FhirStackProps extends StackProps {
  readonly config: InfraConfig;
  /** Lambda entry files; defaults to DEFAULT_LAMBDA_ENTRIES. */
  readonly entries?: LambdaEntries;
  /** The built web console (console/build.ts writeConsoleAssets); without it no console is deployed. */
  readonly consoleAssetsDirectory?: string;
}

/**
 * The AWS home (DESIGN.md: Homes). This file only composes the constructs and wires them:
 * who may touch what (grants) and what each Lambda is told (environment).
 */
export class FhirStack extends Stack {
  constructor(scope: Construct, id: string, props: FhirStackProps) {
    super(scope, id, props);
    const { config } = props;
    const entries = { ...DEFAULT_LAMBDA_ENTRIES, ...props.entries };
    const retainData = config.retainData;

    const dataKey = new DataKey(this, 'DataKey', { stage: config.stage, retainData });
    const key = dataKey.key;
    const resources = new ResourceTable(this, 'Resources', { dataKey, retainData });
    const binaries = new BinaryBucket(this, 'Binaries', { dataKey, retainData });
    const users = new UserDirectory(this, 'Users', { stage: config.stage, retainData, mfaRequired: config.mfaRequired });
    const firewall = new WebFirewall(this, 'Firewall', { stage: config.stage, rateLimit: config.wafRateLimit, encryptionKey: key, retainData });
    const smart = config.authMode === 'smart' ? new SmartIssuer(this, 'Smart') : undefined;
    const search = config.search ? new SearchDomain(this, 'Search', { search: config.search, stage: config.stage, allFlows: config.production, encryptionKey: key, retainData }) : undefined;

    const environment: Record<string, string> = {
      [LAMBDA_ENV.stage]: config.stage,
      [LAMBDA_ENV.tableName]: resources.table.tableName,
      [LAMBDA_ENV.binaryBucket]: binaries.bucket.bucketName,
      [LAMBDA_ENV.multiTenancy]: String(config.multiTenancy),
      [LAMBDA_ENV.authMode]: config.authMode,
      [LAMBDA_ENV.userPoolId]: users.userPool.userPoolId,
      [LAMBDA_ENV.userPoolClientId]: users.appClient.userPoolClientId,
      [LAMBDA_ENV.graphqlTypes]: config.graphqlTypes.join(','),
      [LAMBDA_ENV.graphqlSchemaFile]: lambdaTaskPath(BUNDLED_FILES.graphqlSchema.target),
      [LAMBDA_ENV.accessPolicyFile]: lambdaTaskPath(BUNDLED_FILES.accessPolicy.target),
      ...(smart ? { [LAMBDA_ENV.smartIssuer]: smart.issuer, [LAMBDA_ENV.smartAudience]: smart.audience, [LAMBDA_ENV.smartJwksUri]: smart.jwksUri } : {}),
      ...(search ? { [LAMBDA_ENV.openSearchEndpoint]: search.endpoint, [LAMBDA_ENV.openSearchIndexPrefix]: `fhir-${config.stage}` } : {}),
    };
    const settings: FunctionSettings = { encryptionKey: key, retainData, environment, ...(search ? { network: search.functionNetwork } : {}) };

    const rest = new RestFrontDoor(this, 'Rest', { settings, entry: entries.rest, stageName: config.stage, throttling: config.apiThrottling });
    const graphql = new GraphqlFrontDoor(this, 'Graphql', {
      // The REST API's public root, so that absolute references to this server resolve in GraphQL.
      settings: { ...settings, environment: { ...environment, [LAMBDA_ENV.baseUrl]: rest.api.url } },
      entry: entries.graphql,
      stage: config.stage,
      production: config.production,
      users: smart ? { kind: 'smart', issuer: smart.issuer, audience: smart.audience } : { kind: 'cognito', userPool: users.userPool },
      schemaSdl: schemaSdl({ resourceTypes: config.graphqlTypes }),
    });
    const processor = new StreamProcessor(this, 'StreamProcessor', {
      settings: { ...settings, environment: { ...environment, [LAMBDA_ENV.appSyncUrl]: graphql.api.graphqlUrl } },
      entry: entries.streamProcessor,
      table: resources.table,
      dataKey,
      reservedConcurrency: config.streamConcurrency,
    });

    // Least privilege: the front doors read and commit resources and binaries; the processor
    // only reads the stream (granted by its event source), indexes, and calls the publish
    // mutation.
    for (const frontDoor of [rest.handler, graphql.handler]) {
      resources.grantResourceStore(frontDoor);
      binaries.grantObjectAccess(frontDoor);
      search?.grantIndexAccess(frontDoor);
    }
    search?.grantIndexAccess(processor.handler);
    if (search) new SearchSecurity(this, 'SearchSecurity', { settings, entry: entries.searchSecurity, search });
    firewall.protect('RestStage', rest.api.deploymentStage.stageArn);
    firewall.protect('GraphqlApi', graphql.api.arn);
    if (retainData) new DataBackup(this, 'Backup', { dataKey: key, table: resources.table, buckets: [binaries.bucket, binaries.accessLogs] });
    if (graphql.publishFields.length > 0) graphql.api.grantMutation(processor.handler, ...graphql.publishFields);

    new CfnOutput(this, 'RestApiUrl', { value: rest.api.url, description: 'FHIR REST base URL' });
    new CfnOutput(this, 'GraphqlUrl', { value: graphql.api.graphqlUrl, description: 'AppSync GraphQL endpoint' });
    new CfnOutput(this, 'UserPoolId', { value: users.userPool.userPoolId });
    new CfnOutput(this, 'AppClientId', { value: users.appClient.userPoolClientId });
    if (props.consoleAssetsDirectory !== undefined) {
      const hosted = users.hostedSignIn;
      const whenHosted = (value: string): string => Fn.conditionIf(hosted.enabled.logicalId, value, '').toString();
      const webConsole = new WebConsole(this, 'Console', {
        assetsDirectory: props.consoleAssetsDirectory, restApiUrl: rest.api.url, graphqlUrl: graphql.api.graphqlUrl, retainData, encryptionKey: key, accessLogs: binaries.accessLogs,
        // The console's redirect URL is the first of HostedUiCallbackUrls (deploy with the ConsoleUrl there).
        hostedSignIn: { domain: whenHosted(hosted.baseUrl), clientId: users.appClient.userPoolClientId, redirectUri: whenHosted(Fn.select(0, hosted.callbackUrls.valueAsList)), logoutUri: whenHosted(Fn.select(0, hosted.logoutUrls.valueAsList)) },
      });
      new CfnOutput(this, 'ConsoleUrl', { value: `https://${webConsole.distribution.distributionDomainName}/`, description: 'Web console (Cognito hosted sign-in when HostedUiCallbackUrls starts with this URL)' });
    }
    new CfnOutput(this, 'DeadLetterQueueUrl', { value: processor.deadLetterQueue.queueUrl, description: 'Stream batches that failed every retry' });
  }
}
