// The GraphQL IDE a browser gets at GET /graphql (issue 4: "a GraphQL IDE page at /graphql in a
// browser"). GraphiQL is loaded from a CDN by the browser; the server ships no UI assets.
const GRAPHIQL_VERSION = '3.8.3';
const REACT_VERSION = '18.3.1';

function escapeAttribute(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

/** `endpoint` is the URL GraphiQL posts to (usually the page's own URL). */
export function graphiqlPage(endpoint: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>FHIR GraphQL</title>
<link rel="stylesheet" href="https://unpkg.com/graphiql@${GRAPHIQL_VERSION}/graphiql.min.css">
<style>html, body, #graphiql { height: 100%; margin: 0; }</style>
</head>
<body>
<div id="graphiql" data-endpoint="${escapeAttribute(endpoint)}">Loading GraphiQL...</div>
<script crossorigin src="https://unpkg.com/react@${REACT_VERSION}/umd/react.production.min.js"></script>
<script crossorigin src="https://unpkg.com/react-dom@${REACT_VERSION}/umd/react-dom.production.min.js"></script>
<script crossorigin src="https://unpkg.com/graphiql@${GRAPHIQL_VERSION}/graphiql.min.js"></script>
<script>
  const element = document.getElementById('graphiql');
  const token = window.localStorage.getItem('fhir-token');
  const fetcher = GraphiQL.createFetcher({ url: element.dataset.endpoint, headers: token ? { authorization: 'Bearer ' + token } : {} });
  ReactDOM.createRoot(element).render(React.createElement(GraphiQL, {
    fetcher,
    defaultQuery: '# FHIR R4 over GraphQL (https://hl7.org/fhir/R4/graphql.html).\\n# Set a token with localStorage.setItem("fhir-token", "...") and reload.\\n{\\n  PatientList(_count: 5) {\\n    id\\n    name { family given }\\n  }\\n}\\n',
  }));
</script>
</body>
</html>
`;
}
