// S3BinaryStore against moto's S3: bytes, encryption at rest, tenant prefixes, presigned URLs.
import { randomBytes, randomUUID } from 'node:crypto';
import { CreateBucketCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { S3BinaryStore } from '../../adapters/aws/s3-binary-store';
import { s3Client, uniqueName } from './support/clients';
import { describeWithMoto } from './support/engines';

describeWithMoto('S3BinaryStore on moto', (endpoint) => {
  const bucket = uniqueName('fhir-binaries');
  let client: S3Client;
  let store: S3BinaryStore;

  beforeAll(async () => {
    client = s3Client(endpoint);
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
    store = new S3BinaryStore({ bucket, client, maxPresignSeconds: 300 });
  });
  afterAll(() => client.destroy());

  test('put then get returns the same bytes and content type', async () => {
    const tenant = randomUUID();
    const bytes = new Uint8Array(randomBytes(256 * 1024));

    await store.put(tenant, 'Binary/b1', bytes, 'application/pdf');

    const got = await store.get(tenant, 'Binary/b1');
    expect(got?.contentType).toBe('application/pdf');
    expect(Buffer.from(got?.bytes ?? []).equals(Buffer.from(bytes))).toBe(true);
  });

  test('get of a key never written returns undefined', async () => {
    await expect(store.get(randomUUID(), 'Binary/none')).resolves.toBeUndefined();
  });

  test('objects are stored under the tenant prefix with server-side encryption', async () => {
    const tenant = `clinic/${randomUUID()}`;
    await store.put(tenant, 'Binary/enc', new TextEncoder().encode('secret'), 'text/plain');

    const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: `${encodeURIComponent(tenant)}/Binary/enc` }));

    expect(head.ServerSideEncryption).toBe('AES256');
  });

  test('another tenant cannot read the binary, even with a slash in its tenant id', async () => {
    const tenant = randomUUID();
    await store.put(tenant, 'Binary/mine', new TextEncoder().encode('mine'), 'text/plain');

    await expect(store.get('other', 'Binary/mine')).resolves.toBeUndefined();
    await expect(store.get(`${tenant}/Binary`, 'mine')).resolves.toBeUndefined();
  });

  test('a presigned GET URL downloads the bytes and carries the capped expiry', async () => {
    const tenant = randomUUID();
    await store.put(tenant, 'Binary/dl', new TextEncoder().encode('download me'), 'text/plain');

    const url = await store.presignedGetUrl(tenant, 'Binary/dl', 3600);
    const response = await fetch(url);

    expect(new URL(url).searchParams.get('X-Amz-Expires')).toBe('300');
    expect(response.status).toBe(200);
    await expect(response.text()).resolves.toBe('download me');
  });

  test('a presigned PUT URL uploads bytes that get then returns', async () => {
    const tenant = randomUUID();
    const url = await store.presignedPutUrl(tenant, 'Binary/up', 'image/png', 60);

    const response = await fetch(url, { method: 'PUT', headers: { 'content-type': 'image/png' }, body: new Uint8Array([137, 80, 78, 71]) });

    expect(response.status).toBe(200);
    expect(new URL(url).searchParams.get('X-Amz-Expires')).toBe('60');
    expect((await store.get(tenant, 'Binary/up'))?.bytes).toEqual(new Uint8Array([137, 80, 78, 71]));
  });
});
