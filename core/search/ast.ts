// The engine-neutral search AST (DESIGN.md: Search, shared between backends). The parser builds
// it from a FHIR query and the R4 parameter table; each backend compiles it (SQLite to SQL,
// OpenSearch to query DSL). Values are already typed and normalized, so backends never parse
// FHIR search syntax themselves. Semantics follow https://hl7.org/fhir/R4/search.html.
import type { SearchParamType } from './parameter-types';

/** search.html#prefix */
export type Prefix = 'eq' | 'ne' | 'gt' | 'lt' | 'ge' | 'le' | 'sa' | 'eb' | 'ap';

/** A value with a range: dates (precision), numbers and quantities (implicit precision, search.html#number). */
export interface RangeValue {
  readonly prefix: Prefix;
  /** Inclusive lower and upper bound of the searched range (dates: epoch ms). */
  readonly low: number;
  readonly high: number;
}

export type SearchValue =
  /** `system` undefined: any system; null: no system (`|code`). `code` undefined: any code of the system (`system|`). */
  | { readonly kind: 'token'; readonly system?: string | null; readonly code?: string }
  /** :code-text on a token (R5 search.html#modifiers, cheap here): the code starts with `value`, ignoring case. */
  | { readonly kind: 'token-code-text'; readonly value: string }
  /** :text on a token, :text-like matching on display/text; `value` normalized. */
  | { readonly kind: 'token-text'; readonly value: string }
  /** `value` normalized, except for :exact where it is the raw text. */
  | { readonly kind: 'string'; readonly value: string }
  | ({ readonly kind: 'date' } & RangeValue)
  | ({ readonly kind: 'number' } & RangeValue)
  | ({ readonly kind: 'quantity'; readonly system?: string; readonly code?: string } & RangeValue)
  | {
      readonly kind: 'reference';
      readonly targetType?: string;
      readonly id?: string;
      readonly version?: string;
      /** Absolute or canonical URL (without |version). */
      readonly url?: string;
    }
  /** Reference :identifier (search.html#reference). */
  | { readonly kind: 'reference-identifier'; readonly system?: string | null; readonly value?: string }
  | { readonly kind: 'uri'; readonly value: string }
  /** Location `near` (search.html#special): within `distanceKm` of the point. */
  | { readonly kind: 'near'; readonly latitude: number; readonly longitude: number; readonly distanceKm: number }
  /** Full-text (_text, _content); terms are ANDed. */
  | { readonly kind: 'text'; readonly terms: readonly string[] }
  | { readonly kind: 'composite'; readonly components: readonly SearchValue[] };

export type Modifier = 'missing' | 'exact' | 'contains' | 'text' | 'code-text' | 'not' | 'above' | 'below' | 'in' | 'not-in' | 'identifier' | 'of-type' | 'type';

/** One parameter with its OR-ed values (comma), search.html#combining. */
export interface ParamCondition {
  readonly kind: 'param';
  readonly param: string;
  readonly type: SearchParamType;
  /** `type` means `:[type]` on a reference; the type is in each value's targetType. */
  readonly modifier?: Modifier;
  /** For :missing: true when the parameter must have no value. */
  readonly missing?: boolean;
  /** OR-ed; empty only for :missing. */
  readonly values: readonly SearchValue[];
  /**
   * Quantity values converted to UCUM canonical units (core/search/ucum.ts): they match the
   * `<param>:canonical` index values, which extraction adds for every UCUM quantity.
   */
  readonly canonical?: boolean;
  /** For composite parameters: the code and type of each component, in order. */
  readonly components?: readonly { readonly param: string; readonly type: SearchParamType }[];
}

/** `subject:Patient.name=x`: a reference parameter whose target matches the inner condition (search.html#chaining). */
export interface ChainCondition {
  readonly kind: 'chain';
  readonly param: string;
  /**
   * One inner condition per target type the chain applies to (the type modifier, or every
   * target type having the inner parameter); a reference to any of them that matches its
   * condition satisfies the chain.
   */
  readonly targets: readonly { readonly resourceType: string; readonly condition: Condition }[];
}

/** `_has:Observation:patient:code=x`: some resource of `resourceType` refers here through `param` and matches (search.html#has). */
export interface HasCondition {
  readonly kind: 'has';
  readonly resourceType: string;
  readonly param: string;
  readonly condition: Condition;
}

/**
 * Membership of a compartment (https://hl7.org/fhir/R4/compartmentdefinition.html): a resource
 * referring to `compartmentType/id` through one of the parameters listed for its type, or, when
 * `includeOwner`, the compartment's own resource. Used by compartment search and by the
 * patient-compartment SearchRestriction of SMART patient scopes.
 */
export interface CompartmentCondition {
  readonly kind: 'compartment';
  readonly compartmentType: string;
  readonly id: string;
  /** Resource type -> the reference parameters that place it in the compartment. */
  readonly params: Readonly<Record<string, readonly string[]>>;
  readonly includeOwner: boolean;
  /** Types the restriction does not apply to (searched without limit in a system search). */
  readonly exemptTypes?: readonly string[];
}

/** `_list=id`: resources that List/id refers to through List.entry.item (search.html#list). */
export interface ListCondition {
  readonly kind: 'list';
  /** OR-ed List ids. */
  readonly ids: readonly string[];
}

export type Condition = ParamCondition | ChainCondition | HasCondition | CompartmentCondition | ListCondition;

export interface SortKey {
  readonly param: string;
  readonly type: SearchParamType;
  readonly descending: boolean;
}

/** `_include=Observation:subject:Patient` or `_revinclude=Provenance:target`, search.html#include. */
export interface IncludeSpec {
  /** The resource type holding the reference parameter, or `*`. */
  readonly sourceType: string;
  /** The reference parameter, or `*` for every reference parameter. */
  readonly param: string;
  readonly targetType?: string;
  readonly iterate: boolean;
}

export type TotalMode = 'none' | 'estimate' | 'accurate';

export interface SearchQuery {
  /** Types searched: one for type search, several or none (= every type) for system search. */
  readonly resourceTypes: readonly string[];
  /** AND-ed conditions. */
  readonly conditions: readonly Condition[];
  readonly sort: readonly SortKey[];
  readonly count: number;
  readonly total: TotalMode;
  readonly include: readonly IncludeSpec[];
  readonly revinclude: readonly IncludeSpec[];
  /** Opaque paging cursor from a previous page (the `_cursor` parameter of next/previous links). */
  readonly cursor?: string;
  /**
   * A restriction on everything returned, matches and includes alike (the access policy's
   * SearchRestriction): applied inside the backend's query, never after paging.
   */
  readonly scope?: CompartmentCondition;
}
