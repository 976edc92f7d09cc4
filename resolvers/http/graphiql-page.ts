// The GraphQL IDE a browser gets at GET /graphql (issues 4 and 15): GraphiQL bundled from its npm
// package by console/build.ts and served by this server at /console/graphiql.{js,css}, so it
// works with no internet and under a strict CSP. The token comes from the console's sign-in.
import { dataAttributes } from '../../console/page';

export const CONSOLE_ASSET_PATH = '/console/';

/**
 * `endpoint` is the URL GraphiQL posts to (usually the page's own URL); `assetBase` where the
 * bundles are (`./` in the console's S3 bucket); `authScheme` `bare` sends the JWT without
 * `Bearer`, as AppSync's Cognito authorization expects.
 */
export function graphiqlPage(endpoint: string, assetBase = CONSOLE_ASSET_PATH, authScheme: 'bearer' | 'bare' = 'bearer'): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>FHIR GraphQL</title>
<link rel="stylesheet" href="${assetBase}graphiql.css">
<link rel="stylesheet" href="${assetBase}console.css">
<script type="module" src="${assetBase}graphiql.js"></script>
</head>
<body class="ide" ${dataAttributes({ graphqlUrl: endpoint, authScheme, ...(authScheme === 'bare' ? { subscriptionsUrl: '' } : {}) })}>
<header class="bar"><a href="${assetBase === CONSOLE_ASSET_PATH ? '/' : './'}">FHIR console</a><span id="session" class="session"></span></header>
<main id="graphiql" class="graphiql-host"><noscript>The GraphQL IDE needs JavaScript.</noscript></main>
</body>
</html>
`;
}
