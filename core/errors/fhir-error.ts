import type { OperationOutcome, OperationOutcomeIssue } from '../fhir-types';
import { errorCatalog, type ErrorCode } from './catalog';

export interface FhirErrorOptions {
  /** FHIRPath-style locations of the offending elements, e.g. `Patient.birthDate`. */
  readonly expression?: readonly string[];
  /** Further issues (e.g. every validation failure, not just the first). */
  readonly issues?: readonly OperationOutcomeIssue[];
  /** Extra response headers (e.g. Retry-After, WWW-Authenticate). */
  readonly headers?: Readonly<Record<string, string>>;
  readonly cause?: unknown;
}

/** The one error type the core raises; transports render it as an OperationOutcome. */
export class FhirError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly issueCode: string;
  readonly expression: readonly string[] | undefined;
  readonly issues: readonly OperationOutcomeIssue[] | undefined;
  readonly headers: Readonly<Record<string, string>>;

  constructor(code: ErrorCode, message?: string, options: FhirErrorOptions = {}) {
    super(message ?? errorCatalog[code].title, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'FhirError';
    this.code = code;
    this.status = errorCatalog[code].status;
    this.issueCode = errorCatalog[code].issue;
    this.expression = options.expression;
    this.issues = options.issues;
    this.headers = options.headers ?? {};
  }

  toOperationOutcome(): OperationOutcome {
    if (this.issues && this.issues.length > 0) {
      return { resourceType: 'OperationOutcome', issue: [...this.issues] };
    }
    const issue: OperationOutcomeIssue = { severity: 'error', code: this.issueCode, diagnostics: this.message };
    if (this.expression && this.expression.length > 0) issue.expression = [...this.expression];
    issue.details = { coding: [{ system: 'urn:fhir-gateway:error-code', code: this.code }], text: errorCatalog[this.code].title };
    return { resourceType: 'OperationOutcome', issue: [issue] };
  }
}

/** A write raced another write: the stored version is not the one expected. */
export class VersionConflictError extends FhirError {
  readonly currentVersionId: string | undefined;
  constructor(message: string, currentVersionId: string | undefined) {
    super('VERSION_CONFLICT', message);
    this.name = 'VersionConflictError';
    this.currentVersionId = currentVersionId;
  }
}

export function outcome(severity: OperationOutcomeIssue['severity'], code: string, diagnostics: string, expression?: readonly string[]): OperationOutcome {
  const issue: OperationOutcomeIssue = { severity, code, diagnostics };
  if (expression && expression.length > 0) issue.expression = [...expression];
  return { resourceType: 'OperationOutcome', issue: [issue] };
}

/**
 * Turns anything thrown into a FhirError. Unknown errors become 500 `exception` with a masked
 * message (DESIGN.md: never 400, never the internal text); the correlation id lets an operator
 * find the logged original.
 */
export function toFhirError(error: unknown, correlationId: string): FhirError {
  if (error instanceof FhirError) return error;
  return new FhirError('INTERNAL', `An unexpected error occurred (correlation id ${correlationId})`, { cause: error });
}
