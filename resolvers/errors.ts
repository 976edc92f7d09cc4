// GraphQL errors carrying the core's OperationOutcome (issue 4: "errors are GraphQL errors
// carrying the OperationOutcome in extensions"), so GraphQL and REST report the same things.
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { FhirError, outcome, toFhirError } from '../core/errors/fhir-error';
import type { OperationOutcome } from '../core/fhir-types';

export interface FhirErrorExtensions {
  [key: string]: unknown;
  /** The stable code of core/errors/catalog.ts (NOT_FOUND, FORBIDDEN, ...), or QUERY_TOO_COMPLEX. */
  readonly code: string;
  /** The HTTP status REST would have answered. */
  readonly status: number;
  readonly operationOutcome: OperationOutcome;
}

export function fhirErrorExtensions(error: FhirError): FhirErrorExtensions {
  return { code: error.code, status: error.status, operationOutcome: error.toOperationOutcome() };
}

/**
 * Anything a resolver throws, as a GraphQLError. Unknown errors are masked as INTERNAL (500
 * `exception`) and logged with the correlation id, exactly as REST does.
 */
export function toGraphqlError(error: unknown, correlationId: string, log?: (message: string, fields: Record<string, unknown>) => void): GraphQLError {
  if (error instanceof GraphQLError) return error;
  const fhirError = toFhirError(error, correlationId);
  if (!(error instanceof FhirError) && log) log('graphql resolver failed', { correlationId, error: error instanceof Error ? error.stack ?? error.message : String(error) });
  return new GraphQLError(fhirError.message, { originalError: fhirError, extensions: fhirErrorExtensions(fhirError) });
}

/** A query refused before execution for its depth or cost (OperationOutcome code too-costly). */
export function tooComplexError(message: string): GraphQLError {
  return new GraphQLError(message, {
    extensions: { code: 'QUERY_TOO_COMPLEX', status: 400, operationOutcome: outcome('error', 'too-costly', message) },
  });
}

/**
 * The response form of an error. graphql-js re-wraps errors thrown while coercing arguments
 * (an AWSJSON that is not JSON) and drops their extensions; they are restored from the FhirError.
 */
export function formatGraphqlError(error: GraphQLError): GraphQLFormattedError {
  const formatted = error.toJSON();
  let original: unknown = error.originalError;
  while (original instanceof GraphQLError) original = original.originalError;
  if (original instanceof FhirError && formatted.extensions?.['operationOutcome'] === undefined) {
    return { ...formatted, extensions: { ...formatted.extensions, ...fhirErrorExtensions(original) } };
  }
  return formatted;
}
