// The subset schema for a configured list of resource types (issue 4).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isObjectType } from 'graphql';
import { buildLocalSchema } from '../../resolvers/schema/load';
import { resourceTypesOf, subsetSchemaSdl } from '../../resolvers/schema/subset';

const fullSdl = readFileSync(join(__dirname, '..', '..', 'schema', 'schema.graphql'), 'utf8');

describe('subset schema', () => {
  test('keeps only the configured resource types and builds', () => {
    const sdl = subsetSchemaSdl(fullSdl, ['Patient', 'Observation']);

    const schema = buildLocalSchema(sdl);

    expect(resourceTypesOf(sdl).sort()).toEqual(['Observation', 'Patient']);
    expect(Object.keys(schema.getQueryType()?.getFields() ?? {}).sort()).toEqual(
      ['Observation', 'ObservationConnection', 'ObservationList', 'Patient', 'PatientConnection', 'PatientList'],
    );
    expect(schema.getType('Practitioner')).toBeUndefined();
  });

  test('keeps the subscription and the publish mutation', () => {
    const schema = buildLocalSchema(subsetSchemaSdl(fullSdl, ['Patient']));

    expect(schema.getSubscriptionType()?.getFields()['onResourceChange']).toBeDefined();
    expect(schema.getMutationType()?.getFields()['publishResourceChange']).toBeDefined();
  });

  test('keeps the datatypes the kept resources reach and drops the others', () => {
    const schema = buildLocalSchema(subsetSchemaSdl(fullSdl, ['Patient']));

    expect(isObjectType(schema.getType('HumanName'))).toBe(true);
    expect(isObjectType(schema.getType('ElementDefinition'))).toBe(false);
  });

  test('is much smaller than the full schema', () => {
    const sdl = subsetSchemaSdl(fullSdl, ['Patient', 'Observation']);

    expect(Buffer.byteLength(sdl)).toBeLessThan(Buffer.byteLength(fullSdl) / 10);
  });

  test('rejects a name that is not an R4 resource type', () => {
    expect(() => subsetSchemaSdl(fullSdl, ['Patient', 'Patients'])).toThrow('Not R4 resource types: Patients');
  });
});
