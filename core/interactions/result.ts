import type { OperationOutcome, Resource } from '../fhir-types';

/** What an interaction produced, before any transport renders it. */
export interface InteractionResult {
  readonly status: number;
  /** The resource of the response body (representation), when there is one. */
  readonly resource?: Resource;
  /** The version the response is about, for ETag and Last-Modified. */
  readonly version?: { readonly versionId: string; readonly lastUpdated: string };
  readonly location?: string;
  /** An informational OperationOutcome (e.g. for delete), used for Prefer: return=OperationOutcome. */
  readonly outcome?: OperationOutcome;
}
