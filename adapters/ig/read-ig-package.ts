// Reads an IG package in the standard FHIR NPM layout (a `.tgz` or a folder holding `package/`)
// into the registry's IgPackage: `package/package.json` and the conformance resources directly
// under `package/` (examples and `other/` are not definitions and are skipped).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { isResource, type Resource } from '../../core/fhir-types';
import { IgPackageError, PACKAGE_RESOURCE_TYPES, type IgPackage, type IgPackageManifest } from '../../core/registry/ig-package';
import { readTar } from './tar';

function manifestOf(json: unknown, source: string): IgPackageManifest {
  const m = json as Partial<Record<string, unknown>> | null;
  if (typeof m !== 'object' || m === null || typeof m['name'] !== 'string' || typeof m['version'] !== 'string') {
    throw new IgPackageError(`IG package ${source}: package/package.json needs a name and a version`);
  }
  const deps = m['dependencies'];
  const dependencies: Record<string, string> = {};
  if (typeof deps === 'object' && deps !== null) for (const [k, v] of Object.entries(deps)) if (typeof v === 'string') dependencies[k] = v;
  const opt = (key: string): Record<string, string> => (typeof m[key] === 'string' ? { [key]: m[key] } : {});
  return { name: m['name'], version: m['version'], dependencies, ...opt('canonical'), ...opt('url'), ...opt('title') };
}

function parseJson(data: Buffer | string, where: string): unknown {
  try {
    return JSON.parse(data.toString());
  } catch (error) {
    throw new IgPackageError(`IG package ${where}: not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
}

/** `files`: path inside the package (relative to `package/`) -> bytes. */
export function igPackageFromFiles(files: ReadonlyMap<string, Buffer>, source: string): IgPackage {
  const manifestData = files.get('package.json');
  if (manifestData === undefined) throw new IgPackageError(`IG package ${source}: no package/package.json (not a FHIR NPM package)`);
  const manifest = manifestOf(parseJson(manifestData, source), source);
  const resources: Resource[] = [];
  for (const [path, data] of files) {
    if (path.includes('/') || !path.endsWith('.json') || path === 'package.json' || path.startsWith('.')) continue;
    // The resource type is usually the first member: skip other resources without parsing them.
    const declared = /^\s*\{\s*"resourceType"\s*:\s*"(\w+)"/.exec(data.subarray(0, 200).toString())?.[1];
    if (declared !== undefined && !PACKAGE_RESOURCE_TYPES.has(declared)) continue;
    const json = parseJson(data, `${source} (${path})`);
    if (isResource(json) && PACKAGE_RESOURCE_TYPES.has(json.resourceType)) resources.push(json);
  }
  return { manifest, resources, source };
}

/** An IG package as `.tgz` bytes (S3 or a file). */
export function igPackageFromTgz(bytes: Buffer, source: string): IgPackage {
  let entries;
  try {
    entries = readTar(gunzipSync(bytes));
  } catch (error) {
    throw new IgPackageError(`IG package ${source}: not a readable .tgz (${error instanceof Error ? error.message : String(error)})`);
  }
  const files = new Map<string, Buffer>();
  for (const e of entries) if (e.path.startsWith('package/')) files.set(e.path.slice('package/'.length), e.data);
  return igPackageFromFiles(files, source);
}

/** A `.tgz` file, or a folder holding `package/` (or being it). */
export function readIgPackage(path: string): IgPackage {
  if (!existsSync(path)) throw new IgPackageError(`IG package ${path}: no such file or folder`);
  if (statSync(path).isFile()) return igPackageFromTgz(readFileSync(path), path);
  const dir = existsSync(join(path, 'package', 'package.json')) ? join(path, 'package') : path;
  const files = new Map<string, Buffer>();
  for (const name of readdirSync(dir)) {
    if (!name.endsWith('.json')) continue;
    const file = join(dir, name);
    if (statSync(file).isFile()) files.set(name, readFileSync(file));
  }
  return igPackageFromFiles(files, path);
}
