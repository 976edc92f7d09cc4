import { Stack, type CfnElement } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { HOSTED_SIGN_IN_CONFIG_FILE, type HostedSignInConfig } from '../../console/hosted-sign-in-config';
import { staticSitePages } from '../../console/static-site';
import { consoleSecurityHeaders } from '../defaults/cloudfront-defaults';
import { logGroupProps } from '../defaults/logs-defaults';
import { removalPolicyFor } from '../defaults/removal';
import { staticSiteBucketProps } from '../defaults/s3-defaults';
import { acknowledge, compliancePacks, wildcardUnder } from '../nag';

export interface WebConsoleProps {
  /** A directory holding console.js, console.css, graphiql.js, graphiql.css (console/build.ts). */
  readonly assetsDirectory: string;
  readonly restApiUrl: string;
  readonly graphqlUrl: string;
  readonly retainData: boolean;
  /** Encrypts the deployment's log group (the data key: every log group of the stack uses it). */
  readonly encryptionKey: IKey;
  /** Server access logs of the console bucket go here, under `console/`. */
  readonly accessLogs: s3.IBucket;
  /**
   * Cognito hosted sign-in (deploy-time values: the domain is empty when the stack has no
   * callback URLs, and the console then offers pasting a token instead).
   */
  readonly hostedSignIn: HostedSignInConfig;
}

/**
 * The web console on AWS (issue 15): a private S3 bucket (no public access, SSE-S3, TLS only)
 * read by CloudFront through origin access control, served over HTTPS only with the console's
 * security headers. Sign-in on AWS is Cognito's hosted UI (authorization code + PKCE), set up by
 * console-config.json written beside index.html from the stack's parameters; the console then
 * calls the REST API, AppSync and Cognito's token endpoint directly, as the CSP's connect-src allows.
 */
export class WebConsole extends Construct {
  readonly bucket: s3.Bucket;
  readonly distribution: cloudfront.Distribution;

  constructor(scope: Construct, id: string, props: WebConsoleProps) {
    super(scope, id);
    const removalPolicy = removalPolicyFor(props.retainData);
    this.bucket = new s3.Bucket(this, 'Bucket', {
      ...staticSiteBucketProps(removalPolicy),
      serverAccessLogsBucket: props.accessLogs,
      serverAccessLogsPrefix: 'console/',
    });
    const region = Stack.of(this).region;
    const headers = new cloudfront.ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'FHIR web console: strict CSP, HSTS, no framing',
      securityHeadersBehavior: consoleSecurityHeaders([
        `https://*.execute-api.${region}.amazonaws.com`,
        `https://*.appsync-api.${region}.amazonaws.com`,
        `wss://*.appsync-realtime-api.${region}.amazonaws.com`,
        // The hosted UI's /oauth2/token, where the console exchanges the code.
        `https://*.auth.${region}.amazoncognito.com`,
      ]),
    });
    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: 'FHIR web console',
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: headers,
        compress: true,
      },
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
    });
    const pages = staticSitePages({ restApiUrl: props.restApiUrl, graphqlUrl: props.graphqlUrl });
    new s3deploy.BucketDeployment(this, 'Deploy', {
      destinationBucket: this.bucket,
      sources: [
        s3deploy.Source.asset(props.assetsDirectory),
        s3deploy.Source.data('index.html', pages['index.html']),
        s3deploy.Source.data('graphql.html', pages['graphql.html']),
        // Deploy-time values (the stack's parameters and the app client id) filled in by the deployment.
        s3deploy.Source.jsonData(HOSTED_SIGN_IN_CONFIG_FILE, props.hostedSignIn),
      ],
      distribution: this.distribution,
      distributionPaths: ['/*'],
      prune: true,
      logGroup: new LogGroup(this, 'DeployLogs', logGroupProps(props.encryptionKey, props.retainData, removalPolicy)),
    });
    this.acknowledgeNagFindings();
  }

  /** cdk-nag (infra/nag.ts): what this static site does not need, and why. */
  private acknowledgeNagFindings(): void {
    const distribution = this.distribution;
    acknowledge(distribution, 'Who may use the console is decided by Cognito sign-in, not by country; the distribution serves only the public console code, no data', 'AwsSolutions-CFR1');
    acknowledge(distribution, 'A CloudFront web ACL must live in us-east-1 (a second stack); this distribution serves only static console code, and every data request goes to API Gateway and AppSync, which the stack\'s WAF protects (web-firewall.ts)', 'AwsSolutions-CFR2');
    acknowledge(distribution, 'CloudFront standard logs need an ACL-enabled bucket (awslogsdelivery), and this app creates no bucket with ACLs; the distribution serves only public static files, while every data request is logged by API Gateway, AppSync and the FHIR audit log', 'AwsSolutions-CFR3');
    acknowledge(distribution, 'The default *.cloudfront.net certificate fixes the viewer security policy at TLSv1; a custom domain with an ACM certificate (TLSv1.2_2021) lifts it. The console holds no data: its API calls go to API Gateway and AppSync (TLS 1.2+)', 'AwsSolutions-CFR4');
    acknowledge(this.bucket, 'The bucket holds only the console build, deployed again from the CDK app on every deploy; SSE-S3 because the files are public once served and OAC reads them without a key policy (s3-defaults.ts)', ...compliancePacks('S3BucketReplicationEnabled', 'S3DefaultEncryptionKMS'));
    // CDK's BucketDeployment provider: a singleton Lambda that runs only during CloudFormation
    // deploys, copying the assets from the CDK asset bucket into this bucket and invalidating the cache.
    const provider = Stack.of(this).node.children.find((child) => child.node.id.startsWith('Custom::CDKBucketDeployment'));
    if (provider === undefined) return;
    acknowledge(provider, 'CDK\'s BucketDeployment provider runs only while CloudFormation deploys: its role (CDK-written, one policy on that role) reads the CDK asset bucket, writes this bucket and invalidates the distribution, as the s3:*Object* and cloudfront:CreateInvalidation grants CDK generates',
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      ...['s3:GetBucket*', 's3:GetObject*', 's3:List*', 's3:Abort*', 's3:DeleteObject*'].map((action) => `AwsSolutions-IAM5[Action::${action}]`),
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*]',
      wildcardUnder(this.bucket.node.defaultChild as CfnElement, '/*'),
      'AwsSolutions-IAM5[Resource::*]',
      ...compliancePacks('IAMNoInlinePolicy'));
    acknowledge(provider, 'CDK picks the provider\'s runtime; it runs only during deploys, invoked synchronously by CloudFormation (failures fail the deploy, no DLQ to fill), once at a time, with no data to reach in a VPC',
      'AwsSolutions-L1', ...compliancePacks('LambdaConcurrency', 'LambdaDLQ', 'LambdaInsideVPC'));
  }
}
