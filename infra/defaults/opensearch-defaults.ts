import type { RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import * as opensearch from 'aws-cdk-lib/aws-opensearchservice';
import type { SearchConfig } from '../config';

/**
 * The search domain's secure defaults: OpenSearch 2.19 in private subnets (no public endpoint,
 * so no access policy with Principal "*" is needed or allowed), encrypted at rest with the data
 * key, node-to-node TLS, HTTPS only with a TLS 1.2+ forward-secrecy policy (all three are
 * prerequisites of fine-grained access control, which SearchDomain turns on with its master
 * role). Access is by IAM (SigV4); the domain policy and the role mapping are set in
 * constructs/search-domain.ts and constructs/search-security.ts.
 */
export function searchDomainDefaults(search: SearchConfig, zones: number, encryptionKey: IKey, removalPolicy: RemovalPolicy): Omit<opensearch.DomainProps, 'vpc' | 'vpcSubnets' | 'securityGroups'> {
  return {
    version: opensearch.EngineVersion.OPENSEARCH_2_19,
    capacity: { dataNodes: search.dataNodes, dataNodeInstanceType: search.instanceType, multiAzWithStandbyEnabled: false },
    ...(zones > 1 ? { zoneAwareness: { enabled: true, availabilityZoneCount: zones } } : {}),
    ebs: { volumeSize: 20, volumeType: ec2.EbsDeviceVolumeType.GP3 },
    encryptionAtRest: { enabled: true, kmsKey: encryptionKey },
    nodeToNodeEncryption: true,
    enforceHttps: true,
    tlsSecurityPolicy: opensearch.TLSSecurityPolicy.TLS_1_2_PFS,
    removalPolicy,
  };
}

/**
 * How many zones the data nodes spread over: one node sits in one zone; more nodes use three
 * zones when they divide evenly into three and the VPC has three, else two (the service needs
 * the node count to be a multiple of the zone count).
 */
export function searchZoneCount(dataNodes: number, vpcZones: number): number {
  if (dataNodes === 1) return 1;
  const zones = dataNodes % 3 === 0 && vpcZones >= 3 ? 3 : 2;
  if (dataNodes % zones !== 0 || vpcZones < zones) {
    throw new Error(`searchDataNodes=${dataNodes} cannot be spread evenly over ${zones} availability zones (the VPC has ${vpcZones}); use 1, an even number, or a multiple of 3`);
  }
  return zones;
}

/** Subnets: public for the NAT gateway, private-with-egress for Lambdas, isolated for search. */
export function searchVpcProps(availabilityZones: number): ec2.VpcProps {
  return {
    maxAzs: availabilityZones,
    natGateways: 1,
    // The default security group admits nothing (issue 10); every ENI here has its own group.
    restrictDefaultSecurityGroup: true,
    subnetConfiguration: [
      // No public IP on launch: the NAT gateway has its own Elastic IP, nothing else runs here.
      { name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24, mapPublicIpOnLaunch: false },
      { name: 'functions', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 22 },
      { name: 'search', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
    ],
    // DynamoDB and S3 traffic stays on the AWS network and costs no NAT data processing.
    gatewayEndpoints: {
      dynamodb: { service: ec2.GatewayVpcEndpointAwsService.DYNAMODB },
      s3: { service: ec2.GatewayVpcEndpointAwsService.S3 },
    },
  };
}
