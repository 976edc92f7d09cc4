// Which resources a Patient- or Group-level export contains (export.html#endpoint---all-patients,
// #endpoint---group-of-patients): the Patient compartment
// (https://hl7.org/fhir/R4/compartmentdefinition-patient.html) of the patients in scope, by the
// compartment table the access policies use (core/authz/patient-compartment-table.ts).
import { isPatientCompartmentType } from '../authz/patient-compartment';
import { PATIENT_COMPARTMENT } from '../authz/patient-compartment-table';
import { isJsonObject, type JsonValue, type Resource } from '../fhir-types';

/** The resource types of the Patient compartment, Patient first. */
export const PATIENT_COMPARTMENT_TYPES: readonly string[] = ['Patient', ...Object.keys(PATIENT_COMPARTMENT).filter((t) => t !== 'Patient')];

const PATIENT_REFERENCE = /(?:^|\/)Patient\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[^/]+)?$/;

function referencedPatients(resource: Resource): string[] {
  const ids: string[] = [];
  for (const paths of Object.values(PATIENT_COMPARTMENT[resource.resourceType] ?? {})) {
    for (const path of paths) {
      let current: JsonValue[] = [resource];
      for (const name of path.split('.')) {
        const next: JsonValue[] = [];
        for (const value of current) {
          const child = isJsonObject(value) ? value[name] : undefined;
          if (child === undefined || child === null) continue;
          if (Array.isArray(child)) next.push(...child);
          else next.push(child);
        }
        current = next;
      }
      for (const value of current) {
        const reference = isJsonObject(value) ? value['reference'] : undefined;
        const id = typeof reference === 'string' ? PATIENT_REFERENCE.exec(reference)?.[1] : undefined;
        if (id !== undefined) ids.push(id);
      }
    }
  }
  return ids;
}

/**
 * Whether `resource` belongs to the compartment of one of `patients` (undefined: of any
 * patient). Types outside the compartment, exported only when `_type` names them, always pass.
 */
export function inPatientScope(resource: Resource, patients: ReadonlySet<string> | undefined): boolean {
  if (resource.resourceType === 'Patient') return patients === undefined || (resource.id !== undefined && patients.has(resource.id));
  if (!isPatientCompartmentType(resource.resourceType)) return true;
  const referenced = referencedPatients(resource);
  return patients === undefined ? referenced.length > 0 : referenced.some((id) => patients.has(id));
}

/** Patient ids of a Group's active members (Group.member.entity, export.html#endpoint---group-of-patients). */
export function groupMemberPatients(group: Resource): string[] {
  const members = Array.isArray(group['member']) ? group['member'] : [];
  const ids: string[] = [];
  for (const member of members) {
    if (!isJsonObject(member) || member['inactive'] === true) continue;
    const entity = member['entity'];
    const reference = isJsonObject(entity) ? entity['reference'] : undefined;
    const id = typeof reference === 'string' ? PATIENT_REFERENCE.exec(reference)?.[1] : undefined;
    if (id !== undefined && !ids.includes(id)) ids.push(id);
  }
  return ids;
}
