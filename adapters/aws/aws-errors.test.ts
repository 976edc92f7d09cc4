import { ProvisionedThroughputExceededException, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import { FhirError } from '../../core/errors/fhir-error';
import { translateAwsError } from './aws-errors';

const metadata = { $metadata: {}, message: 'x' };

test('throttling after the SDK retries becomes 429 TOO_MANY_REQUESTS with Retry-After', () => {
  const error = translateAwsError(new ProvisionedThroughputExceededException(metadata));

  expect(error).toBeInstanceOf(FhirError);
  expect(error).toMatchObject({ code: 'TOO_MANY_REQUESTS', status: 429, headers: { 'retry-after': '1' } });
});

test('an oversized item becomes 413 PAYLOAD_TOO_LARGE', () => {
  const tooBig = Object.assign(new Error('Item size has exceeded the maximum allowed size'), { name: 'ValidationException' });

  expect(translateAwsError(tooBig)).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', status: 413 });
});

test('other SDK errors stay unexpected, for the core to mask as 500', () => {
  const missing = new ResourceNotFoundException(metadata);

  expect(translateAwsError(missing)).toBe(missing);
});

test('a transaction over 4 MB becomes 400 BUNDLE_TOO_LARGE naming the limit', () => {
  const tooBig = Object.assign(new Error('Transaction request cannot be larger than 4 MB'), { name: 'ValidationException' });

  expect(translateAwsError(tooBig)).toMatchObject({ code: 'BUNDLE_TOO_LARGE', status: 400, message: expect.stringContaining('4 MB') });
});
