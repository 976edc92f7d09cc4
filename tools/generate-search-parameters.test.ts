import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expressionFor, rewriteExpression, splitUnion } from '../core/registry/search-parameter-table';
import { buildCompartments, generateSearchParameters } from './generate-search-parameters';

describe('generate-search-parameters', () => {
  it('splits on the top-level union only', () => {
    expect(splitUnion("A.b | (A.c | A.d).where(x = 'a|b') | A.e")).toEqual(['A.b', "(A.c | A.d).where(x = 'a|b')", 'A.e']);
  });

  it('rewrites resolve() into a test on the literal reference', () => {
    expect(rewriteExpression('Condition.subject.where(resolve() is Patient)')).toBe(
      "Condition.subject.where(reference.startsWith('Patient/') or reference.contains('/Patient/') or type = 'Patient')",
    );
  });

  it('rewrites `as` into ofType so that collections do not throw', () => {
    expect(rewriteExpression('(Observation.value as CodeableConcept).text')).toBe('Observation.value.ofType(CodeableConcept).text');
    expect(rewriteExpression('Condition.onset.as(Age)')).toBe('Condition.onset.ofType(Age)');
  });

  it('keeps only the parts of a multi-base expression that belong to the base', () => {
    expect(expressionFor('Account.subject | Condition.subject', 'Condition', ['Account', 'Condition'])).toBe('Condition.subject');
    expect(expressionFor('name | alias', 'InsurancePlan', ['InsurancePlan'])).toBe('InsurancePlan.name | InsurancePlan.alias');
  });

  it('keeps only reference parameters of the member type in a compartment, not {def}', () => {
    const table = { Encounter: { patient: { type: 'reference' }, status: { type: 'token' } } };
    const compartments = buildCompartments([{ resourceType: 'CompartmentDefinition', code: 'Encounter', resource: [{ code: 'Encounter', param: ['{def}', 'patient', 'status'] }, { code: 'Task' }] }], table);
    expect(compartments).toEqual({ Encounter: { Encounter: ['patient'] } });
  });

  it('matches the committed table (regenerate with npm run generate)', () => {
    const [file] = generateSearchParameters();
    expect(file && readFileSync(path.join(__dirname, '..', file.path), 'utf8') === file.content).toBe(true);
  });
});
