// The one list of financial resource types (issue 5: "listed in one place").
// Every R4 resource type whose StructureDefinition category is Financial.*
// (https://hl7.org/fhir/R4/resourcelist.html, "Financial": Support, Billing, Payment, General).
// The access-policy config refers to it as the resource type set `@financial`.
export const FINANCIAL_RESOURCE_TYPES: readonly string[] = [
  'Account',
  'ChargeItem',
  'ChargeItemDefinition',
  'Claim',
  'ClaimResponse',
  'Contract',
  'Coverage',
  'CoverageEligibilityRequest',
  'CoverageEligibilityResponse',
  'EnrollmentRequest',
  'EnrollmentResponse',
  'ExplanationOfBenefit',
  'InsurancePlan',
  'Invoice',
  'PaymentNotice',
  'PaymentReconciliation',
];
