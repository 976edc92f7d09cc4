// The shape of the generated R4 search parameter table (core/generated/search-parameters.ts),
// https://hl7.org/fhir/R4/searchparameter.html. Kept apart from the table so the table stays data.

export type SearchParamType = 'number' | 'date' | 'string' | 'token' | 'reference' | 'composite' | 'quantity' | 'uri' | 'special';

export interface SearchParameterComponent {
  /** Code of the component's own search parameter on the same base (SearchParameter.component.definition). */
  readonly code: string;
  readonly type: SearchParamType;
  /** FHIRPath relative to each item of the composite's expression, already made synchronous. */
  readonly expression: string;
}

export interface SearchParameterDefinition {
  readonly type: SearchParamType;
  /**
   * FHIRPath for this resource type only, rewritten to evaluate synchronously (resolve() and
   * `as` on collections replaced; see tools/generate-search-parameters.ts). Absent for the
   * special parameters evaluated in code (_text, _content).
   */
  readonly expression?: string;
  /** Resource types a reference parameter may point at. */
  readonly target?: readonly string[];
  readonly component?: readonly SearchParameterComponent[];
  /** SearchParameter.url (the CapabilityStatement's searchParam.definition): the spec's own, or an IG package's. */
  readonly url?: string;
}

/** Resource type (or `Resource` for the common parameters) -> code -> definition. */
export type SearchParameterTable = Readonly<Record<string, Readonly<Record<string, SearchParameterDefinition>>>>;
