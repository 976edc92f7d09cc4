// SMART on FHIR mode (issue 5): grants come from the token's scopes. patient/ scopes need a
// launch patient and are limited to that Patient's compartment; user/ scopes speak for the
// fhirUser (a Patient fhirUser sees only their own compartment); system/ scopes are unlimited
// (https://hl7.org/fhir/smart-app-launch/scopes-and-launch-context.html).
import type { Principal } from '../request';
import type { AccessPolicyConfig } from './access-policy-config';
import type { Grant } from './grant-policy';
import { parseSmartScope } from './smart-scopes';

const PATIENT_FHIR_USER = /(?:^|\/)Patient\/([A-Za-z0-9\-.]{1,64})$/;

/** Builds the grants function of SMART mode from a validated config. */
export function smartGrants(config: AccessPolicyConfig): (principal: Principal) => readonly Grant[] {
  const { requireFhirUserForUserScopes, patientScopesOutsideCompartment } = config.smart;
  return (principal) => {
    const grants: Grant[] = [];
    for (const text of principal.scopes) {
      const scope = parseSmartScope(text);
      if (scope === undefined) continue;
      const resourceTypes: '*' | ReadonlySet<string> = scope.resourceType === '*' ? '*' : new Set([scope.resourceType]);
      const base = { resourceTypes, interactions: scope.interactions, outsideCompartment: patientScopesOutsideCompartment };
      if (scope.level === 'system') {
        grants.push({ resourceTypes, interactions: scope.interactions });
      } else if (scope.level === 'patient') {
        // Without a launch patient there is no compartment to limit the scope to: it grants nothing.
        if (principal.patient !== undefined) grants.push({ ...base, patientCompartment: principal.patient });
      } else if (principal.fhirUser !== undefined) {
        const patient = PATIENT_FHIR_USER.exec(principal.fhirUser)?.[1];
        grants.push(patient === undefined ? { resourceTypes, interactions: scope.interactions } : { ...base, patientCompartment: patient });
      } else if (!requireFhirUserForUserScopes) {
        grants.push({ resourceTypes, interactions: scope.interactions });
      }
    }
    return grants;
  };
}

export function describeScopes(principal: Principal): string {
  return principal.scopes.length === 0 ? 'A token with no scope' : `Scopes [${principal.scopes.join(' ')}]`;
}
