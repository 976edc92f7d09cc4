// The console's pages as a static site (the AWS home: an S3 bucket behind CloudFront, issue 15):
// index.html and graphql.html with the API endpoints in data- attributes. The CDK app deploys
// exactly these (infra/constructs/web-console.ts) and the browser tests serve them as they are.
import { graphiqlPage } from '../resolvers/http/graphiql-page';
import { consoleShell } from './page';

export interface StaticSiteSettings {
  /** The FHIR REST base, e.g. the API Gateway stage URL. */
  readonly restApiUrl: string;
  readonly graphqlUrl: string;
}

export interface StaticSitePages {
  readonly 'index.html': string;
  readonly 'graphql.html': string;
}

export function staticSitePages(settings: StaticSiteSettings): StaticSitePages {
  const index = consoleShell('./', {
    fhirRoot: settings.restApiUrl.replace(/\/+$/, ''),
    graphqlUrl: settings.graphqlUrl,
    subscriptionsUrl: '',
    authMode: 'cognito',
    multiTenancy: 'false',
    devTokens: 'false',
    groups: '',
    // Cognito hosted sign-in, when console-config.json (console/hosted-sign-in-config.ts) says how.
    hostedSignIn: 'true',
  }, [{ href: settings.restApiUrl, label: 'FHIR base' }, { href: './graphql.html', label: 'GraphQL IDE' }, { href: 'https://hl7.org/fhir/R4/http.html', label: 'FHIR R4 docs' }]);
  return { 'index.html': index, 'graphql.html': graphiqlPage(settings.graphqlUrl, './', 'bare') };
}
