// Membership of a resource in a Patient compartment
// (https://hl7.org/fhir/R4/compartmentdefinition-patient.html): the Patient itself, or a
// resource whose compartment parameters reference that Patient.
import type { JsonValue, Resource } from '../fhir-types';
import { isJsonObject } from '../fhir-types';
import { PATIENT_COMPARTMENT } from './patient-compartment-table';

/** Whether resources of this type can belong to a Patient compartment at all. */
export function isPatientCompartmentType(resourceType: string): boolean {
  return resourceType === 'Patient' || PATIENT_COMPARTMENT[resourceType] !== undefined;
}

/** The search parameters that place a resource of this type in a Patient compartment (for search restrictions). */
export function patientCompartmentParams(resourceType: string): readonly string[] {
  const params = PATIENT_COMPARTMENT[resourceType];
  return params === undefined ? [] : Object.keys(params);
}

function collect(values: readonly JsonValue[], path: readonly string[]): JsonValue[] {
  let current: JsonValue[] = [...values];
  for (const name of path) {
    const next: JsonValue[] = [];
    for (const value of current) {
      if (!isJsonObject(value)) continue;
      const child = value[name];
      if (child === undefined || child === null) continue;
      if (Array.isArray(child)) next.push(...child);
      else next.push(child);
    }
    current = next;
  }
  return current;
}

/**
 * Whether a Reference.reference points at Patient/<id>: relative (`Patient/1`), absolute
 * (`https://x/fhir/Patient/1`) or versioned (`Patient/1/_history/2`), see
 * https://hl7.org/fhir/R4/references.html#literal.
 */
export function referencesPatient(reference: string, patientId: string): boolean {
  const withoutVersion = reference.replace(/\/_history\/[^/]+$/, '');
  return withoutVersion === `Patient/${patientId}` || withoutVersion.endsWith(`/Patient/${patientId}`);
}

/** Whether `resource` is in the compartment of Patient/`patientId`. */
export function isInPatientCompartment(resource: Resource, patientId: string): boolean {
  if (resource.resourceType === 'Patient' && resource.id === patientId) return true;
  const params = PATIENT_COMPARTMENT[resource.resourceType];
  if (params === undefined) return false;
  for (const paths of Object.values(params)) {
    for (const path of paths) {
      for (const value of collect([resource], path.split('.'))) {
        if (isJsonObject(value) && typeof value.reference === 'string' && referencesPatient(value.reference, patientId)) return true;
      }
    }
  }
  return false;
}

const PATIENT_REFERENCE = /(?:^|\/)Patient\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[^/]+)?$/;

/**
 * The ids of every Patient whose compartment holds `resource` (the Patient itself and the
 * Patients its compartment parameters reference), so that a change can be labelled with them
 * where membership cannot be tested per subscriber (AppSync subscription filters, issue 10).
 */
export function patientCompartmentsOf(resource: Resource): string[] {
  const ids = new Set<string>();
  if (resource.resourceType === 'Patient' && typeof resource.id === 'string') ids.add(resource.id);
  for (const paths of Object.values(PATIENT_COMPARTMENT[resource.resourceType] ?? {})) {
    for (const path of paths) {
      for (const value of collect([resource], path.split('.'))) {
        const id = isJsonObject(value) && typeof value.reference === 'string' ? PATIENT_REFERENCE.exec(value.reference)?.[1] : undefined;
        if (id !== undefined) ids.add(id);
      }
    }
  }
  return [...ids].sort();
}
