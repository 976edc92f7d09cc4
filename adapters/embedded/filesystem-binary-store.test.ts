import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FhirError } from '../../core/errors/fhir-error';
import { FilesystemBinaryStore, toFileName } from './filesystem-binary-store';

/** Every file under a directory, relative to it. */
function listFiles(root: string): string[] {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(root.length + 1))
    .sort();
}

describe('FilesystemBinaryStore', () => {
  let root: string;
  let directory: string;
  let store: FilesystemBinaryStore;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'fhir-binary-'));
    directory = join(root, 'binary');
    store = new FilesystemBinaryStore({ directory });
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  test('get returns the bytes and content type that put stored', async () => {
    const bytes = new Uint8Array([0, 1, 2, 253, 254, 255]);
    await store.put('t1', 'Binary/b1', bytes, 'application/pdf');

    const found = await store.get('t1', 'Binary/b1');

    expect(found?.contentType).toBe('application/pdf');
    expect(Array.from(found?.bytes ?? [])).toEqual([0, 1, 2, 253, 254, 255]);
  });

  test('get of a key never put returns undefined', async () => {
    await expect(store.get('t1', 'missing')).resolves.toBeUndefined();
  });

  test('a second put replaces the bytes and leaves no temporary file behind', async () => {
    await store.put('t1', 'k', Buffer.from('old'), 'text/plain');
    await store.put('t1', 'k', Buffer.from('new and longer'), 'text/markdown');

    const found = await store.get('t1', 'k');

    expect(Buffer.from(found?.bytes ?? []).toString()).toBe('new and longer');
    expect(found?.contentType).toBe('text/markdown');
    expect(listFiles(directory)).toEqual([join('tt1', 'k')]);
  });

  test('tenants are isolated', async () => {
    await store.put('t1', 'k', Buffer.from('one'), 'text/plain');
    await expect(store.get('t2', 'k')).resolves.toBeUndefined();
  });

  test('an empty tenant (single-tenant mode) works', async () => {
    await store.put('', 'k', Buffer.from('x'), 'text/plain');
    expect((await store.get('', 'k'))?.contentType).toBe('text/plain');
  });

  test.each(['../../escape', '..', '.', '/etc/passwd', 'a/../../b', 'nul\u0000byte', '..\\windows'])('key %j stays inside the tenant directory', async (key) => {
    await store.put('t1', key, Buffer.from('x'), 'text/plain');

    expect((await store.get('t1', key))?.contentType).toBe('text/plain');
    const files = listFiles(root);
    expect(files).toHaveLength(1);
    expect(files[0]?.startsWith(join('binary', 'tt1') + '/')).toBe(true);
    expect(files[0]?.split('/')).toHaveLength(3);
  });

  test('a tenant id cannot climb out of the store directory', async () => {
    await store.put('../../escape', 'k', Buffer.from('x'), 'text/plain');
    expect(listFiles(root).every((f) => f.startsWith(join('binary') + '/'))).toBe(true);
  });

  test('distinct keys that look alike get distinct files', async () => {
    await store.put('t1', 'a/b', Buffer.from('slash'), 'text/plain');
    await store.put('t1', 'a%2Fb', Buffer.from('percent'), 'text/plain');
    await store.put('t1', 'a.b', Buffer.from('dot'), 'text/plain');

    expect(Buffer.from((await store.get('t1', 'a/b'))?.bytes ?? []).toString()).toBe('slash');
    expect(Buffer.from((await store.get('t1', 'a%2Fb'))?.bytes ?? []).toString()).toBe('percent');
    expect(Buffer.from((await store.get('t1', 'a.b'))?.bytes ?? []).toString()).toBe('dot');
  });

  test('a very long key is stored under a hashed name', async () => {
    const key = 'k'.repeat(1000);
    await store.put('t1', key, Buffer.from('long'), 'text/plain');

    expect(Buffer.from((await store.get('t1', key))?.bytes ?? []).toString()).toBe('long');
    expect(listFiles(directory)[0]).toMatch(/^tt1\/~[0-9a-f]{64}$/);
  });

  test('an empty key is a FhirError', async () => {
    await expect(store.put('t1', '', Buffer.from('x'), 'text/plain')).rejects.toBeInstanceOf(FhirError);
  });

  test('a file not in the store format is refused rather than misread', async () => {
    await store.put('t1', 'k', Buffer.from('x'), 'text/plain');
    writeFileSync(join(directory, 'tt1', 'k'), 'garbage');
    await expect(store.get('t1', 'k')).rejects.toThrow(/not in the store's format/);
  });

  test('toFileName keeps safe characters and percent-encodes the rest', () => {
    expect(toFileName('Binary_1-a')).toBe('Binary_1-a');
    expect(toFileName('../é')).toBe('%2E%2E%2F%C3%A9');
  });
});
