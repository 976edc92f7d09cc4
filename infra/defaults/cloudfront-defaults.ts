import { Duration } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import { contentSecurityPolicy } from '../../console/page';

/**
 * Security headers for the web console (issue 15): the same strict CSP as the local server
 * (console/page.ts: scripts only from this origin, no `unsafe-inline` scripts),
 * widened only by `connectSources` (the REST and GraphQL endpoints it calls), plus HSTS,
 * nosniff, no framing and no referrer.
 */
export function consoleSecurityHeaders(connectSources: readonly string[]): cloudfront.ResponseSecurityHeadersBehavior {
  return {
    contentSecurityPolicy: {
      override: true,
      contentSecurityPolicy: contentSecurityPolicy(connectSources),
    },
    strictTransportSecurity: { override: true, accessControlMaxAge: Duration.days(365), includeSubdomains: true, preload: false },
    contentTypeOptions: { override: true },
    frameOptions: { override: true, frameOption: cloudfront.HeadersFrameOption.DENY },
    referrerPolicy: { override: true, referrerPolicy: cloudfront.HeadersReferrerPolicy.NO_REFERRER },
  };
}
