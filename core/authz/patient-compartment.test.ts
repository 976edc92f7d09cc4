import { isInPatientCompartment, patientCompartmentParams, referencesPatient } from './patient-compartment';

test('a relative, absolute or versioned reference to the patient counts', () => {
  expect(referencesPatient('Patient/1', '1')).toBe(true);
  expect(referencesPatient('https://ehr.example/fhir/Patient/1', '1')).toBe(true);
  expect(referencesPatient('Patient/1/_history/3', '1')).toBe(true);
});

test('a reference to another patient or another type does not count', () => {
  expect(referencesPatient('Patient/12', '1')).toBe(false);
  expect(referencesPatient('Group/1', '1')).toBe(false);
});

test('an Observation whose subject is the patient is in the compartment', () => {
  expect(isInPatientCompartment({ resourceType: 'Observation', subject: { reference: 'Patient/1' } }, '1')).toBe(true);
});

test('an Observation performed by the patient is in the compartment', () => {
  expect(isInPatientCompartment({ resourceType: 'Observation', subject: { reference: 'Group/g' }, performer: [{ reference: 'Practitioner/2' }, { reference: 'Patient/1' }] }, '1')).toBe(true);
});

test('an Appointment is in the compartment through a nested participant actor', () => {
  expect(isInPatientCompartment({ resourceType: 'Appointment', participant: [{ actor: { reference: 'Practitioner/2' } }, { actor: { reference: 'Patient/1' } }] }, '1')).toBe(true);
});

test('a resource of a type outside the compartment is never in it', () => {
  expect(isInPatientCompartment({ resourceType: 'Medication', id: '1' }, '1')).toBe(false);
});

test('a Patient is in its own compartment, and in a linked patient one', () => {
  expect(isInPatientCompartment({ resourceType: 'Patient', id: '1' }, '1')).toBe(true);
  expect(isInPatientCompartment({ resourceType: 'Patient', id: '2', link: [{ other: { reference: 'Patient/1' }, type: 'seealso' }] }, '1')).toBe(true);
  expect(isInPatientCompartment({ resourceType: 'Patient', id: '2' }, '1')).toBe(false);
});

test('the compartment search parameters of a type are listed for search restrictions', () => {
  expect(patientCompartmentParams('Observation')).toEqual(['subject', 'performer']);
  expect(patientCompartmentParams('Medication')).toEqual([]);
});
