// Public surface of core/authz for wiring and the core interactions.
export { allowAllPolicy, READ_INTERACTIONS } from './access-policy';
export type { AccessPolicy, Interaction, SearchRestriction } from './access-policy';
export { accessPolicyConfigSchema, AccessPolicyConfigError, parseAccessPolicyConfig } from './access-policy-config';
export type { AccessPolicyConfig, AccessRule } from './access-policy-config';
export { createAccessPolicy } from './create-access-policy';
export type { AccessPolicyOptions } from './create-access-policy';
export { FINANCIAL_RESOURCE_TYPES } from './financial-resource-types';
export { isInPatientCompartment, isPatientCompartmentType, patientCompartmentParams, patientCompartmentsOf } from './patient-compartment';
export { changeAudience, labelsForType, OUTSIDE_COMPARTMENT } from './read-audience';
export type { ReadAudience } from './read-audience';
export { buildSmartConfiguration } from './smart-configuration';
export { parseSmartScope } from './smart-scopes';
export type { SmartScope } from './smart-scopes';
export { assertTenant, isTenantAllowed } from './tenancy';
export { BEARER_REALM, extractBearerToken, invalidTokenError, missingTokenError } from './bearer';
