// Packs FHIR NPM packages for the tests: a small ustar writer over Node's zlib (no tar binary,
// no network), writing `package/...` entries like `npm pack` does.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';

export interface PackageContent {
  readonly manifest: Record<string, unknown>;
  /** File name under package/ -> JSON content. */
  readonly files: Readonly<Record<string, unknown>>;
}

function header(name: string, size: number, type: string): Buffer {
  const h = Buffer.alloc(512, 0);
  const put = (value: string, offset: number, length: number): void => {
    h.write(value.slice(0, length), offset, 'utf8');
  };
  put(name, 0, 100);
  put('0000644\0', 100, 8);
  put('0000000\0', 108, 8);
  put('0000000\0', 116, 8);
  put(`${size.toString(8).padStart(11, '0')}\0`, 124, 12);
  put(`${Math.floor(Date.UTC(2024, 0, 1) / 1000).toString(8).padStart(11, '0')}\0`, 136, 12);
  put('        ', 148, 8);
  put(type, 156, 1);
  put('ustar\0', 257, 6);
  put('00', 263, 2);
  let sum = 0;
  for (const b of h) sum += b;
  put(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8);
  return h;
}

function pad(data: Buffer): Buffer {
  const rest = data.length % 512;
  return rest === 0 ? data : Buffer.concat([data, Buffer.alloc(512 - rest, 0)]);
}

/** A tar archive of `files`; names over 100 bytes get a pax `path` record, as npm writes them. */
export function tar(files: readonly { readonly path: string; readonly data: Buffer }[]): Buffer {
  const blocks: Buffer[] = [];
  for (const f of files) {
    if (Buffer.byteLength(f.path) > 100) {
      const body = ` path=${f.path}\n`;
      let length = body.length;
      length += String(length + String(length).length).length;
      const record = Buffer.from(`${length}${body}`);
      blocks.push(header('PaxHeader', record.length, 'x'), pad(record));
    }
    blocks.push(header(f.path.slice(0, 100), f.data.length, '0'), pad(f.data));
  }
  blocks.push(Buffer.alloc(1024, 0));
  return Buffer.concat(blocks);
}

function entries(content: PackageContent): { path: string; data: Buffer }[] {
  return [
    { path: 'package/package.json', data: Buffer.from(JSON.stringify(content.manifest)) },
    ...Object.entries(content.files).map(([name, json]) => ({ path: `package/${name}`, data: Buffer.from(JSON.stringify(json)) })),
  ];
}

/** Writes `content` as `<dir>/<file>.tgz` and returns the path. */
export function writeTgz(dir: string, file: string, content: PackageContent): string {
  const path = join(dir, `${file}.tgz`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path, gzipSync(tar(entries(content))));
  return path;
}

/** Writes `content` as a folder `<dir>/<file>/package/...` and returns the folder. */
export function writeFolder(dir: string, file: string, content: PackageContent): string {
  const root = join(dir, file);
  for (const e of entries(content)) {
    const path = join(root, e.path);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, e.data);
  }
  return root;
}
