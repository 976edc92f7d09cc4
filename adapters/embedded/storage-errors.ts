// Storage faults of the embedded home, translated at the adapter edge into the core's error
// catalog (STYLE.md: adapters translate backend errors). A full disk, a read-only data
// directory or an I/O error is not the client's fault and is usually temporary: 503 with
// Retry-After, so clients back off and retry, while reads keep working (issue 16, "Disk full
// and read-only data directory").
import { FhirError } from '../../core/errors/fhir-error';

/** SQLite result codes (https://www.sqlite.org/rescode.html) that mean "the storage cannot take writes now". */
const sqliteStorageCodes = ['SQLITE_FULL', 'SQLITE_READONLY', 'SQLITE_IOERR', 'SQLITE_CANTOPEN', 'SQLITE_BUSY', 'SQLITE_LOCKED', 'SQLITE_PROTOCOL'];

/** errno codes of the filesystem that mean the same for Binary content. */
const fileStorageCodes = ['ENOSPC', 'EDQUOT', 'EROFS', 'EIO', 'EACCES', 'EPERM'];

function codeOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  const code = (error as { code: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

/** True for a SQLite or filesystem error that means the data directory cannot take writes now. */
export function isStorageFault(error: unknown): boolean {
  const code = codeOf(error);
  if (code === undefined) return false;
  return sqliteStorageCodes.some((c) => code === c || code.startsWith(`${c}_`)) || fileStorageCodes.includes(code);
}

function reasonOf(code: string): string {
  if (code.startsWith('SQLITE_FULL') || code === 'ENOSPC' || code === 'EDQUOT') return 'the data directory is full';
  if (code.startsWith('SQLITE_READONLY') || code === 'EROFS' || code === 'EACCES' || code === 'EPERM') return 'the data directory is read-only';
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return 'the database is locked by another writer';
  return 'the data directory had an I/O error';
}

/**
 * A storage fault as a 503 UNAVAILABLE FhirError; any other error unchanged. The message names
 * the cause for the operator; nothing was written (SQLite rolled the transaction back).
 */
export function translateStorageError(error: unknown): unknown {
  if (error instanceof FhirError || !isStorageFault(error)) return error;
  const code = codeOf(error) ?? 'unknown';
  return new FhirError('UNAVAILABLE', `The write was not stored: ${reasonOf(code)} (${code}); nothing was changed, retry later`, {
    headers: { 'retry-after': '10' },
    cause: error,
  });
}
