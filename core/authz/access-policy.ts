import type { Resource } from '../fhir-types';
import type { RequestContext } from '../request';
import type { ReadAudience } from './read-audience';

/** FHIR interactions as named in https://hl7.org/fhir/R4/http.html, plus operations. */
export type Interaction =
  | 'read'
  | 'vread'
  | 'update'
  | 'patch'
  | 'delete'
  | 'history-instance'
  | 'history-type'
  | 'history-system'
  | 'create'
  | 'search-type'
  | 'search-system'
  | 'capabilities'
  | 'batch'
  | 'transaction'
  | 'operation';

/** Interactions that only read data. */
export const READ_INTERACTIONS: ReadonlySet<Interaction> = new Set<Interaction>([
  'read', 'vread', 'history-instance', 'history-type', 'history-system', 'search-type', 'search-system',
]);

/** A restriction pushed into a search so that totals and pages are already filtered. */
export interface SearchRestriction {
  /**
   * Only resources in this patient's compartment (SMART patient/ scopes with launch context):
   * resources where one of patientCompartmentParams(type) (core/authz/patient-compartment.ts)
   * references Patient/<id>, and for type Patient the Patient with that id.
   */
  readonly patientCompartment?: string;
  /** Nothing of this type may be returned (the caller may not search it). */
  readonly none?: boolean;
}

/**
 * The authorization decision point (DESIGN.md: Auth). Every front door goes through the core,
 * and the core asks this; implementations live in core/authz.
 */
export interface AccessPolicy {
  /** Throws FhirError FORBIDDEN (403) when the caller may not perform the interaction on the type. */
  assertAllowed(ctx: RequestContext, interaction: Interaction, resourceType: string | undefined): void;
  /** Whether the caller may see this resource (used for includes, references, history, subscriptions). */
  canRead(ctx: RequestContext, resource: Resource): boolean;
  /**
   * True when the caller may read every resource of the type whatever its content, so that a
   * read can skip parsing the stored JSON to decide (issue 11). Optional: without it, or when it
   * answers false, canRead decides on the parsed resource.
   */
  canReadType?(ctx: RequestContext, resourceType: string): boolean;
  /** Whether the caller may write this resource content (e.g. patient compartment of a SMART patient scope). */
  canWrite(ctx: RequestContext, resource: Resource): boolean;
  /**
   * Whether the caller may read every resource of the type (no compartment limit), so that a
   * bulk export need not check resources one by one. Absent: check each with canRead.
   */
  unrestrictedRead?(ctx: RequestContext, resourceType: string): boolean;
  /** Restrictions to apply inside a search over the type, or undefined for none. */
  searchRestriction(ctx: RequestContext, resourceType: string): SearchRestriction | undefined;
  /**
   * The resource types on which the caller may perform `interaction` ('*' = all), e.g. to keep a
   * search-system or history-system to the types the caller may search ('search-system' is
   * answered as 'search-type', 'history-system' as 'history-type').
   */
  allowedResourceTypes(ctx: RequestContext, interaction: Interaction): '*' | readonly string[];
  /**
   * The audience labels (core/authz/read-audience.ts) of the changes the caller may read, for
   * delivery where canRead cannot run per change (AppSync subscription filters); [] = nothing.
   */
  readAudience(ctx: RequestContext): ReadAudience;
}

/** The policy of the explicit no-auth mode: everything is allowed. */
export const allowAllPolicy: AccessPolicy = {
  assertAllowed: () => undefined,
  canRead: () => true,
  canReadType: () => true,
  canWrite: () => true,
  unrestrictedRead: () => true,
  searchRestriction: () => undefined,
  allowedResourceTypes: () => '*',
  readAudience: () => '*',
};
