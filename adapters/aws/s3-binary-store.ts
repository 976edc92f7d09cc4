// BinaryStore on S3 (DESIGN.md: Ports; issue 6): bytes under `{tenant}/{key}`, encrypted at
// rest on every put, presigned GET and PUT URLs with a short, capped expiry so the REST and
// GraphQL front doors hand large Binary content to clients without streaming it through Lambda.
//
// The tenant is percent-encoded into one path segment, so no key of one tenant can name an
// object of another. Presigned PUTs do not sign an encryption header (the uploader would have to
// send it); the bucket's default encryption (infra/) covers those objects.
import {
  GetObjectCommand,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
  type ServerSideEncryption,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { FhirError } from '../../core/errors/fhir-error';
import type { BinaryStore } from '../../core/ports/binary-store';
import { translateAwsError } from './aws-errors';

export interface S3BinaryStoreOptions {
  readonly bucket: string;
  /** A client to share (left open on close), or config for one the store owns. */
  readonly client?: S3Client;
  readonly clientConfig?: S3ClientConfig;
  /** SSE-KMS with this key; without it SSE-S3 (AES256). */
  readonly kmsKeyId?: string;
  /** The longest a presigned URL may live, in seconds. Default 900 (15 minutes). */
  readonly maxPresignSeconds?: number;
}

const defaultMaxPresignSeconds = 900;

export class S3BinaryStore implements BinaryStore {
  private readonly client: S3Client;
  private readonly ownsClient: boolean;
  private readonly bucket: string;
  private readonly encryption: { ServerSideEncryption: ServerSideEncryption; SSEKMSKeyId?: string };
  private readonly maxPresignSeconds: number;

  constructor(options: S3BinaryStoreOptions) {
    this.ownsClient = options.client === undefined;
    this.client = options.client ?? new S3Client(options.clientConfig ?? {});
    this.bucket = options.bucket;
    this.encryption = options.kmsKeyId === undefined
      ? { ServerSideEncryption: 'AES256' }
      : { ServerSideEncryption: 'aws:kms', SSEKMSKeyId: options.kmsKeyId };
    this.maxPresignSeconds = options.maxPresignSeconds ?? defaultMaxPresignSeconds;
  }

  /** The object key of a tenant's binary. */
  objectKey(tenant: string, key: string): string {
    if (tenant.length === 0) throw new FhirError('INVALID_TENANT', 'The tenant id is empty');
    if (key.length === 0 || key.length > 900) throw new FhirError('INVALID_REQUEST', 'A binary key must have 1 to 900 characters');
    return `${encodeURIComponent(tenant)}/${key}`;
  }

  async put(tenant: string, key: string, bytes: Uint8Array, contentType: string): Promise<void> {
    const command = new PutObjectCommand({ Bucket: this.bucket, Key: this.objectKey(tenant, key), Body: bytes, ContentType: contentType, ...this.encryption });
    await this.call(() => this.client.send(command));
  }

  async get(tenant: string, key: string): Promise<{ bytes: Uint8Array; contentType: string } | undefined> {
    const command = new GetObjectCommand({ Bucket: this.bucket, Key: this.objectKey(tenant, key) });
    try {
      const result = await this.client.send(command);
      const bytes = result.Body ? await result.Body.transformToByteArray() : new Uint8Array();
      return { bytes, contentType: result.ContentType ?? 'application/octet-stream' };
    } catch (error) {
      if (error instanceof NoSuchKey) return undefined;
      throw translateAwsError(error);
    }
  }

  async presignedGetUrl(tenant: string, key: string, expiresInSeconds: number): Promise<string> {
    const command = new GetObjectCommand({ Bucket: this.bucket, Key: this.objectKey(tenant, key) });
    return getSignedUrl(this.client, command, { expiresIn: this.expiry(expiresInSeconds) });
  }

  async presignedPutUrl(tenant: string, key: string, contentType: string, expiresInSeconds: number): Promise<string> {
    // ContentType is signed: the upload must declare the type the server agreed to.
    const command = new PutObjectCommand({ Bucket: this.bucket, Key: this.objectKey(tenant, key), ContentType: contentType });
    return getSignedUrl(this.client, command, { expiresIn: this.expiry(expiresInSeconds), signableHeaders: new Set(['content-type']) });
  }

  close(): void {
    if (this.ownsClient) this.client.destroy();
  }

  private expiry(requested: number): number {
    if (!Number.isFinite(requested) || requested < 1) throw new Error(`A presigned URL needs a positive expiry, not ${requested}`);
    return Math.min(Math.floor(requested), this.maxPresignSeconds);
  }

  private async call<T>(action: () => Promise<T>): Promise<T> {
    try {
      return await action();
    } catch (error) {
      throw translateAwsError(error);
    }
  }
}
