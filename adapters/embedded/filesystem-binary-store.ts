// The embedded BinaryStore (DESIGN.md: Ports): one file per binary under
// <directory>/<tenant>/<key>, written atomically (temporary file, fsync, rename), so a reader
// sees the old bytes or the new ones, never a torn file, and an acknowledged put survives a
// crash. No presigned URLs: the local server streams the bytes itself.
import { randomBytes, createHash } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { FhirError } from '../../core/errors/fhir-error';
import type { BinaryStore } from '../../core/ports/binary-store';
import { translateStorageError } from './storage-errors';

export interface FilesystemBinaryStoreOptions {
  /** The directory holding the binaries (created when missing). */
  readonly directory: string;
}

// File layout: magic, content-type length (uint32 BE), content type (UTF-8), then the bytes.
// Keeping the content type in the same file keeps a put atomic without a second file.
const magic = Buffer.from('FGB1', 'ascii');
const headerFixed = magic.length + 4;
const maxNameLength = 200;

/**
 * A tenant or key as one file name: every character outside [A-Za-z0-9_-] is percent-encoded
 * (UTF-8), so no name can be '.', '..', contain a separator or start with the '.' of a
 * temporary file, and distinct keys never share a file. Names too long for the filesystem
 * become '~' + SHA-256, which no encoded name can start with.
 */
export function toFileName(text: string): string {
  const encoded = Array.from(Buffer.from(text, 'utf8'), (byte) => {
    const c = String.fromCharCode(byte);
    return /[A-Za-z0-9_-]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }).join('');
  return encoded.length <= maxNameLength ? encoded : `~${createHash('sha256').update(text, 'utf8').digest('hex')}`;
}

export class FilesystemBinaryStore implements BinaryStore {
  private readonly directory: string;

  constructor(options: FilesystemBinaryStoreOptions) {
    this.directory = options.directory;
  }

  async put(tenant: string, key: string, bytes: Uint8Array, contentType: string): Promise<void> {
    try {
      await this.write(tenant, key, bytes, contentType);
    } catch (error) {
      throw translateStorageError(error);
    }
  }

  private async write(tenant: string, key: string, bytes: Uint8Array, contentType: string): Promise<void> {
    const dir = this.tenantDirectory(tenant);
    const target = join(dir, this.fileName(key));
    await mkdir(dir, { recursive: true });
    const type = Buffer.from(contentType, 'utf8');
    const header = Buffer.alloc(headerFixed);
    magic.copy(header);
    header.writeUInt32BE(type.length, magic.length);
    const temporary = join(dir, `.tmp-${randomBytes(8).toString('hex')}`);
    const file = await open(temporary, 'wx', 0o600);
    try {
      await file.writev([header, type, bytes]);
      await file.sync();
    } catch (error) {
      await file.close();
      await rm(temporary, { force: true });
      throw error;
    }
    await file.close();
    await rename(temporary, target);
    await syncDirectory(dir);
  }

  async get(tenant: string, key: string): Promise<{ bytes: Uint8Array; contentType: string } | undefined> {
    let data: Buffer;
    try {
      data = await readFile(join(this.tenantDirectory(tenant), this.fileName(key)));
    } catch (error) {
      if (isErrnoCode(error, 'ENOENT')) return undefined;
      throw error;
    }
    const typeLength = data.length >= headerFixed && data.subarray(0, magic.length).equals(magic) ? data.readUInt32BE(magic.length) : -1;
    if (typeLength < 0 || headerFixed + typeLength > data.length) {
      throw new Error(`The binary file for key ${JSON.stringify(key)} is not in the store's format`);
    }
    const contentType = data.subarray(headerFixed, headerFixed + typeLength).toString('utf8');
    return { bytes: data.subarray(headerFixed + typeLength), contentType };
  }

  private tenantDirectory(tenant: string): string {
    // The 't' prefix gives the empty (single-tenant) tenant a name of its own.
    return join(this.directory, `t${toFileName(tenant)}`);
  }

  private fileName(key: string): string {
    if (key.length === 0) throw new FhirError('INVALID_REQUEST', 'A binary key must not be empty');
    return toFileName(key);
  }
}

/** Makes the rename itself durable (POSIX: a rename is recorded in the directory). */
async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function isErrnoCode(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === code;
}
