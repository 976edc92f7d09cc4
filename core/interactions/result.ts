import type { OperationOutcome, Resource } from '../fhir-types';

/** What an interaction produced, before any transport renders it. */
export interface InteractionResult {
  readonly status: number;
  /** The resource of the response body (representation), when there is one. */
  readonly resource?: Resource;
  /**
   * `resource` as stored JSON text, when the interaction has it without serializing (a read of a
   * stored version, issue 11): the transport sends it as is. Whoever replaces `resource` must
   * drop it.
   */
  readonly json?: string;
  /** The version the response is about, for ETag and Last-Modified. */
  readonly version?: { readonly versionId: string; readonly lastUpdated: string };
  readonly location?: string;
  /** An informational OperationOutcome (e.g. for delete), used for Prefer: return=OperationOutcome. */
  readonly outcome?: OperationOutcome;
}
