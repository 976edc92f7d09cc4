// AWS SDK errors (DynamoDB, S3) become core errors at the edge (STYLE.md: adapters translate
// backend errors). Throttling that outlasts the SDK's own retries is 429 with Retry-After
// (RFC 6585 section 4, RFC 9110 section 10.2.3); an oversized item or object is 413; anything
// else stays unexpected and becomes a masked 500 in the core.
import { FhirError } from '../../core/errors/fhir-error';

const throttlingNames = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'LimitExceededException',
  'SlowDown',
]);

const throttlingReasons = new Set(['ThrottlingError', 'ProvisionedThroughputExceeded', 'RequestLimitExceeded']);

/** Seconds a client should wait before retrying a throttled request. */
export const retryAfterSeconds = 1;

export function throttled(cause: unknown): FhirError {
  return new FhirError('TOO_MANY_REQUESTS', 'The data store is throttling requests; retry shortly', {
    headers: { 'retry-after': String(retryAfterSeconds) },
    cause,
  });
}

function errorName(error: unknown): string | undefined {
  return error instanceof Error ? error.name : undefined;
}

export function isThrottling(error: unknown): boolean {
  const name = errorName(error);
  return name !== undefined && throttlingNames.has(name);
}

export function isThrottlingReason(code: string | undefined): boolean {
  return code !== undefined && throttlingReasons.has(code);
}

function isTooLarge(error: unknown): boolean {
  const name = errorName(error);
  if (name === 'EntityTooLarge') return true;
  return name === 'ValidationException' && error instanceof Error && /item size/i.test(error.message);
}

/** Translates an SDK error that has no more specific meaning at the call site. */
export function translateAwsError(error: unknown): unknown {
  if (error instanceof FhirError) return error;
  if (isThrottling(error)) return throttled(error);
  if (errorName(error) === 'ValidationException' && error instanceof Error && /transaction request cannot be larger than/i.test(error.message)) {
    return new FhirError('BUNDLE_TOO_LARGE', 'One commit on DynamoDB holds at most 4 MB of data (TransactWriteItems)', { cause: error });
  }
  if (isTooLarge(error)) {
    return new FhirError('PAYLOAD_TOO_LARGE', 'The content is too large to store (a DynamoDB item holds at most 400 KB)', { cause: error });
  }
  return error;
}
