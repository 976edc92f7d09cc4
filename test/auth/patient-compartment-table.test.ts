// Freshness of the generated Patient compartment table (STYLE.md: generated code is checked).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderPatientCompartmentTable } from './patient-compartment-derive';

test('the committed Patient compartment table matches the R4 definitions', () => {
  const committed = readFileSync(join(__dirname, '..', '..', 'core', 'authz', 'patient-compartment-table.ts'), 'utf8');
  expect(committed).toBe(renderPatientCompartmentTable());
});
