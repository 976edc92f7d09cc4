// The one catalog of error codes (STYLE.md: stable symbolic codes in one place).
// Each code maps to an HTTP status and an OperationOutcome.issue.code
// (https://hl7.org/fhir/R4/valueset-issue-type.html).

export const errorCatalog = {
  INVALID_REQUEST: { status: 400, issue: 'invalid', title: 'The request is not valid' },
  INVALID_JSON: { status: 400, issue: 'structure', title: 'The body is not valid JSON' },
  INVALID_RESOURCE: { status: 400, issue: 'structure', title: 'The resource does not conform to FHIR R4' },
  INVALID_ID: { status: 400, issue: 'value', title: 'The id is not a valid FHIR id' },
  INVALID_TENANT: { status: 400, issue: 'value', title: 'The tenant id is not valid' },
  ID_MISMATCH: { status: 400, issue: 'invariant', title: 'The id in the body differs from the id in the URL' },
  INVALID_PATCH: { status: 400, issue: 'invalid', title: 'The patch document is not valid' },
  INVALID_SEARCH: { status: 400, issue: 'invalid', title: 'The search is not valid' },
  UNKNOWN_SEARCH_PARAMETER: { status: 400, issue: 'not-supported', title: 'Unknown search parameter' },
  UNSUPPORTED_CHANNEL: { status: 400, issue: 'not-supported', title: 'The Subscription channel type is not supported' },
  BUNDLE_TOO_LARGE: { status: 400, issue: 'too-costly', title: 'The bundle has too many entries' },
  TRANSACTION_FAILED: { status: 400, issue: 'processing', title: 'A transaction entry failed; nothing was written' },
  UNAUTHENTICATED: { status: 401, issue: 'login', title: 'Authentication is required' },
  FORBIDDEN: { status: 403, issue: 'forbidden', title: 'Not allowed' },
  NOT_FOUND: { status: 404, issue: 'not-found', title: 'Not found' },
  UNKNOWN_RESOURCE_TYPE: { status: 404, issue: 'not-supported', title: 'Unknown resource type' },
  METHOD_NOT_ALLOWED: { status: 405, issue: 'not-supported', title: 'The interaction is not supported here' },
  NOT_ACCEPTABLE: { status: 406, issue: 'not-supported', title: 'The requested format is not supported' },
  VERSION_CONFLICT: { status: 409, issue: 'conflict', title: 'The resource was changed concurrently' },
  GONE: { status: 410, issue: 'deleted', title: 'The resource was deleted' },
  PRECONDITION_FAILED: { status: 412, issue: 'conflict', title: 'A precondition failed' },
  MULTIPLE_MATCHES: { status: 412, issue: 'multiple-matches', title: 'The condition matched more than one resource' },
  PAYLOAD_TOO_LARGE: { status: 413, issue: 'too-costly', title: 'The request body is too large' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, issue: 'not-supported', title: 'The body media type is not supported' },
  UNPROCESSABLE: { status: 422, issue: 'processing', title: 'The resource violates a business rule' },
  TOO_MANY_REQUESTS: { status: 429, issue: 'throttled', title: 'Too many requests' },
  INTERNAL: { status: 500, issue: 'exception', title: 'An unexpected error occurred' },
  NOT_IMPLEMENTED: { status: 501, issue: 'not-supported', title: 'Not implemented' },
  UNAVAILABLE: { status: 503, issue: 'transient', title: 'A backend is unavailable' },
} as const;

export type ErrorCode = keyof typeof errorCatalog;
