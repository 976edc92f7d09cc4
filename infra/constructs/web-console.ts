import { Stack } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { HOSTED_SIGN_IN_CONFIG_FILE, type HostedSignInConfig } from '../../console/hosted-sign-in-config';
import { staticSitePages } from '../../console/static-site';
import { consoleSecurityHeaders } from '../defaults/cloudfront-defaults';
import { removalPolicyFor } from '../defaults/removal';
import { staticSiteBucketProps } from '../defaults/s3-defaults';

export interface WebConsoleProps {
  /** A directory holding console.js, console.css, graphiql.js, graphiql.css (console/build.ts). */
  readonly assetsDirectory: string;
  readonly restApiUrl: string;
  readonly graphqlUrl: string;
  readonly retainData: boolean;
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
    });
  }
}
