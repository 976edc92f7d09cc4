/**
 * The OperationOutcome.issue.code values the validator uses
 * (https://hl7.org/fhir/R4/valueset-issue-type.html): `structure` for JSON shape and unknown
 * elements, `required` for missing elements, `value` for bad primitive values and references,
 * `code-invalid` for codes outside a required value set, `invariant` for constraints such as
 * ext-1 and dom-3, `too-costly` for input nested too deeply or with too many issues.
 */
export type IssueCode = 'structure' | 'required' | 'value' | 'invariant' | 'code-invalid' | 'too-costly';
