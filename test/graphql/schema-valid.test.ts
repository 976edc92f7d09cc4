// The servers build the GraphQL schema without graphql-js's validation (buildServedSchema, to keep
// it off the Lambda's cold start: issue 10), so this file is where the committed SDL, and the
// subsets FHIR_GRAPHQL_TYPES selects, are validated in full (SDL rules and type system rules,
// https://spec.graphql.org/October2021/#sec-Type-System).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { printSchema, validateSchema } from 'graphql';
import { buildLocalSchema, buildServedSchema } from '../../resolvers/schema/load';
import { subsetSchemaSdl } from '../../resolvers/schema/subset';

const fullSdl = readFileSync(join(__dirname, '..', '..', 'schema', 'schema.graphql'), 'utf8');

const subsets: readonly (readonly string[])[] = [
  ['Patient'],
  ['Patient', 'Observation'],
  ['Encounter', 'Condition', 'MedicationRequest', 'Practitioner', 'Organization'],
  ['Bundle', 'Binary', 'Subscription'],
];

describe('the GraphQL schema the servers build without validation', () => {
  test('the committed SDL passes the SDL and type system validation', () => {
    const schema = buildLocalSchema(fullSdl);

    expect(validateSchema(schema).map((error) => error.message)).toEqual([]);
  });

  test.each(subsets.map((types) => [types.join(', '), types] as const))('the subset for %s passes it too', (_name, types) => {
    const schema = buildLocalSchema(subsetSchemaSdl(fullSdl, types));

    expect(validateSchema(schema).map((error) => error.message)).toEqual([]);
  });

  test('the served schema is the validated one', () => {
    expect(printSchema(buildServedSchema(fullSdl))).toBe(printSchema(buildLocalSchema(fullSdl)));
  });

  test('buildServedSchema itself does not validate, which is why the tests above must', () => {
    const invalid = 'interface Named { name: String }\ntype Thing implements Named { id: ID }\ntype Query { thing: Thing }';

    expect(validateSchema(buildLocalSchema(invalid)).map((error) => error.message)).toEqual([
      'Interface field Named.name expected but Thing does not provide it.',
    ]);
    expect(validateSchema(buildServedSchema(invalid))).toEqual([]);
  });
});
