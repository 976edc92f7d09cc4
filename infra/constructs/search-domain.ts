import { Lazy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { LogGroup, ResourcePolicy } from 'aws-cdk-lib/aws-logs';
import * as opensearch from 'aws-cdk-lib/aws-opensearchservice';
import { Construct } from 'constructs';
import type { SearchConfig } from '../config';
import { searchDomainDefaults, searchVpcProps, searchZoneCount } from '../defaults/opensearch-defaults';
import { logGroupProps } from '../defaults/logs-defaults';
import { removalPolicyFor } from '../defaults/removal';
import { acknowledge, compliancePacks } from '../nag';
import type { FunctionNetwork } from './fhir-function';

/** What the adapters send (adapters/aws/opensearch-*.ts): reads, searches, index and bulk writes; never DELETE. */
export const INDEX_HTTP_ACTIONS = ['es:ESHttpGet', 'es:ESHttpHead', 'es:ESHttpPost', 'es:ESHttpPut'] as const;

/** What the master user sends the security plugin (adapters/aws/opensearch-security.ts). */
const SECURITY_API_ACTIONS = ['es:ESHttpGet', 'es:ESHttpPut'] as const;

export interface SearchDomainProps {
  readonly search: SearchConfig;
  /** Names the domain (fhir-<stage>) and its indexes' prefix. */
  readonly stage: string;
  /** Every accepted and rejected flow logged (prod); rejected only otherwise. */
  readonly allFlows: boolean;
  readonly encryptionKey: IKey;
  readonly retainData: boolean;
}

/**
 * The OpenSearch domain (the search index, DESIGN.md: AWS data path) and the private network it
 * needs: the domain in isolated subnets, reachable on 443 only from the functions' security
 * group; the functions in private subnets with a NAT route out (AppSync, Cognito keys, X-Ray).
 */
export class SearchDomain extends Construct {
  readonly domain: opensearch.Domain;
  readonly vpc: ec2.Vpc;
  /** Where the Lambdas that read or write the index run. */
  readonly functionNetwork: FunctionNetwork;
  /**
   * The domain's fine-grained access control master user (issue 10): the role of the
   * deploy-time function that maps the Lambdas' roles (constructs/search-security.ts).
   */
  readonly securityAdmin: iam.Role;
  /** The roles the domain's access policy names (the functions given index access). */
  readonly indexRoles: iam.IRole[] = [];
  readonly indexPrefix: string;
  private readonly principals: iam.IPrincipal[] = [];
  private readonly domainName: string;

  constructor(scope: Construct, id: string, props: SearchDomainProps) {
    super(scope, id);
    this.vpc = new ec2.Vpc(this, 'Vpc', searchVpcProps(3));
    this.domainName = `fhir-${props.stage}`;
    this.indexPrefix = `fhir-${props.stage}`;
    const removalPolicy = removalPolicyFor(props.retainData);
    const flowLogs = new LogGroup(this, 'FlowLogs', logGroupProps(props.encryptionKey, props.retainData, removalPolicy));
    this.vpc.addFlowLog('FlowLog', { trafficType: props.allFlows ? ec2.FlowLogTrafficType.ALL : ec2.FlowLogTrafficType.REJECT, destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogs) });

    const functions = new ec2.SecurityGroup(this, 'FunctionsSecurityGroup', {
      vpc: this.vpc,
      description: 'FHIR Lambdas: outbound HTTPS only, to the search domain and (through NAT) AWS endpoints',
      allowAllOutbound: false,
    });
    // Egress 443 only (issue 10): every call a FHIR Lambda makes is HTTPS (DynamoDB and S3 through
    // their gateway endpoints, AppSync, Cognito keys, X-Ray, the domain); DNS goes to the VPC
    // resolver, which security groups do not filter.
    functions.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS to AWS endpoints and the search domain');
    const domainGroup = new ec2.SecurityGroup(this, 'DomainSecurityGroup', {
      vpc: this.vpc,
      description: 'FHIR search domain: HTTPS from the FHIR Lambdas only',
      allowAllOutbound: false,
    });
    domainGroup.addIngressRule(functions, ec2.Port.tcp(443), 'HTTPS from the FHIR Lambdas');

    const isolated = this.vpc.isolatedSubnets;
    const zones = searchZoneCount(props.search.dataNodes, isolated.length);
    // Slow search, slow index and error logs to CloudWatch (issue 10), encrypted like every
    // log group. The service may write to these groups only, by a resource policy written here
    // (suppressLogsResourcePolicy: CDK's own would add a custom-resource Lambda).
    // Audit logs (fine-grained access control's, issue 10) go to their own group: who read or
    // wrote which index, never the documents (opensearch-security.ts turns request bodies off).
    const logGroups = {
      slowSearch: new LogGroup(this, 'SlowSearchLogs', logGroupProps(props.encryptionKey, props.retainData, removalPolicy)),
      slowIndex: new LogGroup(this, 'SlowIndexLogs', logGroupProps(props.encryptionKey, props.retainData, removalPolicy)),
      app: new LogGroup(this, 'ErrorLogs', logGroupProps(props.encryptionKey, props.retainData, removalPolicy)),
      audit: new LogGroup(this, 'AuditLogs', logGroupProps(props.encryptionKey, props.retainData, removalPolicy)),
    };
    new ResourcePolicy(this, 'LogDelivery', {
      policyStatements: [new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('es.amazonaws.com')],
        actions: ['logs:PutLogEvents', 'logs:CreateLogStream'],
        resources: Object.values(logGroups).map((group) => group.logGroupArn),
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      })],
    });
    const managed = (name: string): iam.IManagedPolicy => iam.ManagedPolicy.fromAwsManagedPolicyName(`service-role/${name}`);
    this.securityAdmin = new iam.Role(this, 'SecurityAdmin', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Master user of the fhir-${props.stage} search domain: maps the FHIR Lambdas' roles and configures audit logging at deploy time`,
      managedPolicies: [managed('AWSLambdaBasicExecutionRole'), managed('AWSLambdaVPCAccessExecutionRole')],
    });
    this.domain = new opensearch.Domain(this, 'Domain', {
      ...searchDomainDefaults(props.search, zones, props.encryptionKey, removalPolicy),
      fineGrainedAccessControl: { masterUserArn: this.securityAdmin.roleArn },
      domainName: this.domainName,
      vpc: this.vpc,
      vpcSubnets: [{ subnets: isolated.slice(0, zones) }],
      securityGroups: [domainGroup],
      logging: { slowSearchLogEnabled: true, slowSearchLogGroup: logGroups.slowSearch, slowIndexLogEnabled: true, slowIndexLogGroup: logGroups.slowIndex, appLogEnabled: true, appLogGroup: logGroups.app, auditLogEnabled: true, auditLogGroup: logGroups.audit },
      suppressLogsResourcePolicy: true,
    });
    // The domain's resource policy names the roles given index access and only this stage's
    // indexes and the bulk endpoint they write through (issue 10: least privilege). Built from
    // the domain's name, not its ARN attribute, which the policy of the domain cannot reference.
    const stack = Stack.of(this);
    const domainArn = `arn:${stack.partition}:es:${stack.region}:${stack.account}:domain/${this.domainName}`;
    (this.domain.node.defaultChild as opensearch.CfnDomain).accessPolicies = Lazy.any({
      produce: () => new iam.PolicyDocument({
        statements: [
          new iam.PolicyStatement({ principals: this.principals, actions: [...INDEX_HTTP_ACTIONS], resources: this.indexPaths(domainArn) }),
          new iam.PolicyStatement({ principals: [this.securityAdmin], actions: [...SECURITY_API_ACTIONS], resources: [this.securityApiPath(domainArn)] }),
        ],
      }).toJSON(),
    });
    this.securityAdmin.addToPrincipalPolicy(new iam.PolicyStatement({ actions: [...SECURITY_API_ACTIONS], resources: [this.securityApiPath(this.domain.domainArn)] }));
    acknowledge(this.securityAdmin, 'The master user\'s only paths are the security plugin\'s API (<domain>/_plugins/_security/*: roles, role mappings, audit config)', `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(this.domain.node.defaultChild as opensearch.CfnDomain)}.Arn>/_plugins/_security/*]`);
    acknowledge(this.securityAdmin, 'AWSLambdaBasicExecutionRole and AWSLambdaVPCAccessExecutionRole are the AWS managed policies Lambda documents for log delivery and ENIs', 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]', 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole]');
    acknowledge(this.securityAdmin, 'X-Ray PutTraceSegments/PutTelemetryRecords (the function runs traced) have no resource-level permissions', 'AwsSolutions-IAM5[Resource::*]');
    acknowledge(this.securityAdmin, 'CDK writes the role\'s grants as one AWS::IAM::Policy attached to that role only', ...compliancePacks('IAMNoInlinePolicy'));
    acknowledge(this.domain, 'The domain has no public endpoint: it sits in isolated subnets, reachable on 443 from the Lambdas\' security group only, and its policy names IAM roles', 'AwsSolutions-OS3');
    acknowledge(this.domain, 'The index is derived data (rebuilt from DynamoDB by the stream processor); dedicated master nodes triple its cost for a small domain. Add them with more data nodes', 'AwsSolutions-OS4');
    if (zones === 1) acknowledge(this.domain, 'One data node (dev default) lives in one zone; prod runs two or more nodes across zones (searchDataNodes)', 'AwsSolutions-OS7');
    acknowledge(this.vpc, 'The public subnets hold only the NAT gateway, whose route out is the internet gateway; nothing else runs there', ...compliancePacks('VPCNoUnrestrictedRouteToIGW'));
    acknowledge(this.vpc, 'CDK writes the flow-log role\'s one grant (to its log group) as an AWS::IAM::Policy attached to that role only', ...compliancePacks('IAMNoInlinePolicy'));
    this.functionNetwork = {
      vpc: this.vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      securityGroups: [functions],
    };
  }

  /**
   * Index, unindex and search over SigV4: the same methods and paths as the domain's policy
   * (this stage's indexes and _bulk), not CDK's grantReadWrite (every path, DELETE and PATCH).
   */
  grantIndexAccess(grantee: iam.IGrantable): void {
    iam.Grant.addToPrincipal({ grantee, actions: [...INDEX_HTTP_ACTIONS], resourceArns: this.indexPaths(this.domain.domainArn) });
    this.principals.push(grantee.grantPrincipal);
    if (grantee.grantPrincipal instanceof iam.Role) this.indexRoles.push(grantee.grantPrincipal);
    if (grantee instanceof Construct) acknowledge(grantee, 'This stage\'s indexes are named fhir-<stage>-<type>, created on first write; the prefix names no other stage\'s', `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(this.domain.node.defaultChild as opensearch.CfnDomain)}.Arn>/${this.indexPrefix}*]`);
  }

  private securityApiPath(domainArn: string): string {
    return `${domainArn}/_plugins/_security/*`;
  }

  private indexPaths(domainArn: string): string[] {
    return [`${domainArn}/${this.indexPrefix}*`, `${domainArn}/_bulk`];
  }

  /** The HTTPS endpoint the OpenSearch client is given. */
  get endpoint(): string {
    return `https://${this.domain.domainEndpoint}`;
  }
}
