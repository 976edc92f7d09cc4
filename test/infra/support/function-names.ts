// How the tests find each function in a synthesized template: the start of its Description.
// Apart from test/infra/synth.ts (which registers jest hooks) so that scripts can import them.
export const REST_FUNCTION = 'FHIR REST API';
export const GRAPHQL_FUNCTION = 'FHIR GraphQL';
export const STREAM_FUNCTION = 'FHIR: DynamoDB stream';
