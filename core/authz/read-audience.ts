// Who may read a committed change, in a form a pub/sub service can match without calling the
// AccessPolicy per event (issue 10; AppSync enhanced subscription filters can only compare the
// published fields with values fixed at subscribe time). The publisher labels each change with
// audience labels; each subscriber's grants become the labels it may receive; a subscriber gets a
// change when the two share a label. The labels restate canRead exactly:
//   read of type T, unlimited                 <-> `type:T`
//   read of every type, in Patient/p          <-> `patient:p` (only compartment types carry it)
//   read of type T, in Patient/p              <-> `type:T|patient:p`
//   compartment grant allowing other types    <-> `outside-compartment`
// https://hl7.org/fhir/smart-app-launch/scopes-and-launch-context.html (patient/ scopes)
import type { Resource } from '../fhir-types';
import type { Grant } from './grant-policy';
import { isPatientCompartmentType, patientCompartmentsOf } from './patient-compartment';

/** Every label: the caller reads every type without limit (no audience condition needed). */
export type ReadAudience = '*' | readonly string[];

export const OUTSIDE_COMPARTMENT = 'outside-compartment';

const typeLabel = (resourceType: string): string => `type:${resourceType}`;
const patientLabel = (patient: string): string => `patient:${patient}`;

/**
 * The labels of a change to `resourceType` with content `resource` (absent for a delete: a
 * tombstone has no content, so it reaches only those who read the type without a compartment
 * limit).
 */
export function changeAudience(resourceType: string, resource: Resource | undefined): string[] {
  const labels = [typeLabel(resourceType)];
  if (!isPatientCompartmentType(resourceType)) return [...labels, OUTSIDE_COMPARTMENT];
  for (const patient of resource === undefined ? [] : patientCompartmentsOf(resource)) {
    labels.push(patientLabel(patient), `${typeLabel(resourceType)}|${patientLabel(patient)}`);
  }
  return labels;
}

/** The labels a caller with these grants may receive (grants with `read` only). */
export function grantsAudience(grants: readonly Grant[]): ReadAudience {
  const labels = new Set<string>();
  for (const grant of grants) {
    if (!grant.interactions.has('read')) continue;
    const compartment = grant.patientCompartment;
    if (compartment === undefined) {
      if (grant.resourceTypes === '*') return '*';
      for (const type of grant.resourceTypes) labels.add(typeLabel(type));
      continue;
    }
    const outside = grant.outsideCompartment === 'allow';
    if (grant.resourceTypes === '*') {
      labels.add(patientLabel(compartment));
      if (outside) labels.add(OUTSIDE_COMPARTMENT);
      continue;
    }
    for (const type of grant.resourceTypes) {
      if (isPatientCompartmentType(type)) labels.add(`${typeLabel(type)}|${patientLabel(compartment)}`);
      else if (outside) labels.add(typeLabel(type));
    }
  }
  return [...labels].sort();
}

/** Labels that a change of `resourceType` can carry (to narrow a subscription to one type). */
export function labelsForType(audience: readonly string[], resourceType: string): string[] {
  const compartmentType = isPatientCompartmentType(resourceType);
  return audience.filter((label) =>
    label === typeLabel(resourceType) ||
    label.startsWith(`${typeLabel(resourceType)}|`) ||
    (compartmentType ? label.startsWith('patient:') : label === OUTSIDE_COMPARTMENT),
  );
}
