import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type { IGrantable } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import * as opensearch from 'aws-cdk-lib/aws-opensearchservice';
import { Construct } from 'constructs';
import type { SearchConfig } from '../config';
import { searchDomainDefaults, searchVpcProps, searchZoneCount } from '../defaults/opensearch-defaults';
import { logGroupProps } from '../defaults/logs-defaults';
import { removalPolicyFor } from '../defaults/removal';
import type { FunctionNetwork } from './fhir-function';

export interface SearchDomainProps {
  readonly search: SearchConfig;
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

  constructor(scope: Construct, id: string, props: SearchDomainProps) {
    super(scope, id);
    this.vpc = new ec2.Vpc(this, 'Vpc', searchVpcProps(3));
    const removalPolicy = removalPolicyFor(props.retainData);
    const flowLogs = new LogGroup(this, 'FlowLogs', logGroupProps(props.encryptionKey, props.retainData, removalPolicy));
    this.vpc.addFlowLog('FlowLog', { trafficType: ec2.FlowLogTrafficType.REJECT, destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogs) });

    const functions = new ec2.SecurityGroup(this, 'FunctionsSecurityGroup', {
      vpc: this.vpc,
      description: 'FHIR Lambdas: outbound to the search domain and (through NAT) AWS endpoints',
      allowAllOutbound: true,
    });
    const domainGroup = new ec2.SecurityGroup(this, 'DomainSecurityGroup', {
      vpc: this.vpc,
      description: 'FHIR search domain: HTTPS from the FHIR Lambdas only',
      allowAllOutbound: false,
    });
    domainGroup.addIngressRule(functions, ec2.Port.tcp(443), 'HTTPS from the FHIR Lambdas');

    const isolated = this.vpc.isolatedSubnets;
    const zones = searchZoneCount(props.search.dataNodes, isolated.length);
    this.domain = new opensearch.Domain(this, 'Domain', {
      ...searchDomainDefaults(props.search, zones, props.encryptionKey, removalPolicy),
      vpc: this.vpc,
      vpcSubnets: [{ subnets: isolated.slice(0, zones) }],
      securityGroups: [domainGroup],
    });
    this.functionNetwork = {
      vpc: this.vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      securityGroups: [functions],
    };
  }

  /** Index, unindex and search over SigV4 (es:ESHttp* on this domain only). */
  grantIndexAccess(grantee: IGrantable): void {
    this.domain.grantReadWrite(grantee);
  }

  /** The HTTPS endpoint the OpenSearch client is given. */
  get endpoint(): string {
    return `https://${this.domain.domainEndpoint}`;
  }
}
