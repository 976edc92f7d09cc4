/** Bytes kept outside the resource store (DESIGN.md: BinaryStore). */
export interface BinaryStore {
  put(tenant: string, key: string, bytes: Uint8Array, contentType: string): Promise<void>;
  get(tenant: string, key: string): Promise<{ bytes: Uint8Array; contentType: string } | undefined>;
  /** A short-lived URL for direct download, where the backend has them. */
  presignedGetUrl?(tenant: string, key: string, expiresInSeconds: number): Promise<string>;
  presignedPutUrl?(tenant: string, key: string, contentType: string, expiresInSeconds: number): Promise<string>;
}
