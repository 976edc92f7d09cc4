// The GraphQL IDE at /graphql (issue 15): GraphiQL from its npm package, bundled by
// console/build.ts, with the console's token applied to every request and subscription.
import { createGraphiQLFetcher } from '@graphiql/toolkit';
import { GraphiQL } from 'graphiql';
import 'graphiql/style.css';
import { createRoot } from 'react-dom/client';
import { createClient } from 'graphql-ws';
import { authorizationHeader, loadSession, pageConfig } from './session';

const DEFAULT_QUERY = `# FHIR R4 over GraphQL (https://hl7.org/fhir/R4/graphql.html).
# Sign in at the console (link above); the token is applied automatically.
{
  PatientList(_count: 5) {
    id
    name { family given }
    birthDate
  }
}
`;

function main(): void {
  const config = pageConfig();
  const element = document.getElementById('graphiql');
  if (element === null) return;
  const status = document.getElementById('session');
  const session = loadSession();
  if (status !== null) status.textContent = session === undefined ? 'Not signed in: requests go without a token.' : `Signed in as ${session.label}`;
  // AppSync's Cognito authorization takes the bare JWT; the local server takes both forms.
  const authorization = (): Record<string, string> => {
    const header = authorizationHeader();
    return document.body.dataset['authScheme'] === 'bare' && header['authorization'] !== undefined ? { authorization: header['authorization'].replace(/^Bearer /, '') } : header;
  };
  const fetcher = createGraphiQLFetcher({
    url: config.graphqlUrl,
    // Read the token at each request so a sign-in in another tab applies without a reload.
    fetch: (input, init) => fetch(input, { ...init, headers: { ...(init?.headers as Record<string, string> | undefined), ...authorization() } }),
    // Subscriptions speak graphql-ws to the local server; AppSync's realtime protocol is not offered here.
    ...(config.subscriptionsUrl === '' ? {} : { wsClient: createClient({ url: config.subscriptionsUrl, connectionParams: () => authorizationHeader(), lazy: true }) }),
  });
  createRoot(element).render(<GraphiQL fetcher={fetcher} defaultQuery={DEFAULT_QUERY} defaultEditorToolsVisibility={false} />);
}

main();
