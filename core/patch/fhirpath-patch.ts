import { FhirError } from '../errors/fhir-error';
import { isJsonObject, isResource, type JsonObject, type JsonValue, type Resource } from '../fhir-types';

/**
 * FHIRPath Patch (https://hl7.org/fhir/R4/fhirpatch.html): a Parameters resource with one
 * `operation` parameter per change (add, insert, delete, replace, move).
 *
 * Paths are evaluated by a small locating evaluator that supports what patches use in practice:
 * member access, `[n]` indexers, `first()`, `last()` and `where(a = 'x' and b.c = 'y')`.
 * Anything else is a 400 naming the path, never a silent no-op.
 */
export function applyFhirPathPatch(resource: Resource, parameters: unknown): Resource {
  if (!isResource(parameters) || parameters.resourceType !== 'Parameters') {
    throw new FhirError('INVALID_PATCH', 'A FHIRPath Patch body must be a Parameters resource', { expression: ['Parameters'] });
  }
  const target = structuredClone(resource) as Resource;
  const list = Array.isArray(parameters['parameter']) ? parameters['parameter'] : [];
  list.forEach((param, index) => {
    const where = `Parameters.parameter[${index}]`;
    if (!isJsonObject(param) || param['name'] !== 'operation') {
      throw new FhirError('INVALID_PATCH', `Each parameter must be named 'operation'`, { expression: [`${where}.name`] });
    }
    applyOperation(target, readOperation(param, where), where);
  });
  return target;
}

interface PatchOperation {
  readonly type: string;
  readonly path: string;
  readonly name?: string;
  readonly value?: JsonValue;
  readonly index?: number;
  readonly source?: number;
  readonly destination?: number;
}

function readOperation(param: JsonObject, where: string): PatchOperation {
  const parts = Array.isArray(param['part']) ? param['part'].filter(isJsonObject) : [];
  const op: { -readonly [K in keyof PatchOperation]?: PatchOperation[K] } = {};
  for (const part of parts) {
    const name = part['name'];
    if (name === 'type' || name === 'path' || name === 'name') op[name] = String(primitiveOf(part) ?? '');
    else if (name === 'index' || name === 'source' || name === 'destination') op[name] = Number(primitiveOf(part));
    else if (name === 'value') {
      const value = valueOf(part);
      if (value !== undefined) op.value = value;
    }
  }
  if (!op.type || !['add', 'insert', 'delete', 'replace', 'move'].includes(op.type)) {
    throw new FhirError('INVALID_PATCH', `Unknown or missing operation type '${op.type ?? ''}'`, { expression: [`${where}.part`] });
  }
  if (!op.path) throw new FhirError('INVALID_PATCH', 'The operation has no path', { expression: [`${where}.part`] });
  return op as PatchOperation;
}

function primitiveOf(part: JsonObject): JsonValue | undefined {
  for (const [key, value] of Object.entries(part)) if (key.startsWith('value')) return value;
  return undefined;
}

/** A value is a value[x], or for complex values a set of parts (fhirpatch.html#value). */
function valueOf(part: JsonObject): JsonValue | undefined {
  const direct = primitiveOf(part);
  if (direct !== undefined) return direct;
  if (!Array.isArray(part['part'])) return undefined;
  const object: JsonObject = {};
  for (const sub of part['part'].filter(isJsonObject)) {
    const name = String(sub['name']);
    const value = valueOf(sub);
    if (value === undefined) continue;
    const existing = object[name];
    object[name] = existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  return object;
}

/** A located node: a property of an object, or one item of an array property. */
interface Location {
  readonly parent: JsonObject;
  readonly key: string;
  readonly index?: number;
}

function valueAt(loc: Location): JsonValue | undefined {
  const value = loc.parent[loc.key];
  return loc.index === undefined ? value : Array.isArray(value) ? value[loc.index] : undefined;
}

function applyOperation(target: Resource, op: PatchOperation, where: string): void {
  const fail = (message: string): never => {
    throw new FhirError('INVALID_PATCH', message, { expression: [`${where}`] });
  };
  const located = locate(target, op.path, fail);
  const single = (): Location => {
    if (located.length !== 1) fail(`The path '${op.path}' must select exactly one element, but selects ${located.length}`);
    return located[0] as Location;
  };
  switch (op.type) {
    case 'add': {
      if (op.name === undefined || op.value === undefined) fail('add needs a name and a value');
      const container = valueAt(single());
      if (!isJsonObject(container)) return fail(`The path '${op.path}' does not select an element that can hold '${op.name}'`);
      const name = op.name as string;
      const existing = container[name];
      container[name] = existing === undefined ? (op.value as JsonValue) : Array.isArray(existing) ? [...existing, op.value as JsonValue] : fail(`'${name}' already has a value; use replace`);
      return;
    }
    case 'insert': {
      const list = located[0];
      if (op.value === undefined || op.index === undefined) return fail('insert needs an index and a value');
      const array = list ? list.parent[list.key] : undefined;
      if (!list || !Array.isArray(array)) {
        if (op.index !== 0 || !list) return fail(`The path '${op.path}' does not select a list`);
        list.parent[list.key] = [op.value];
        return;
      }
      if (op.index < 0 || op.index > array.length) fail(`Index ${op.index} is outside the list of ${array.length}`);
      array.splice(op.index, 0, op.value);
      return;
    }
    case 'delete': {
      if (located.length === 0) return;
      remove(single());
      return;
    }
    case 'replace': {
      if (op.value === undefined) fail('replace needs a value');
      const loc = single();
      if (loc.index === undefined) loc.parent[loc.key] = op.value as JsonValue;
      else (loc.parent[loc.key] as JsonValue[])[loc.index] = op.value as JsonValue;
      return;
    }
    case 'move': {
      const list = located[0];
      const array = list ? list.parent[list.key] : undefined;
      if (!Array.isArray(array) || op.source === undefined || op.destination === undefined) return fail('move needs a list path, a source and a destination');
      if (op.source < 0 || op.source >= array.length || op.destination < 0 || op.destination >= array.length) fail('move indexes are outside the list');
      const [item] = array.splice(op.source, 1);
      array.splice(op.destination, 0, item as JsonValue);
      return;
    }
  }
}

function remove(loc: Location): void {
  if (loc.index === undefined) {
    delete loc.parent[loc.key];
    return;
  }
  const array = loc.parent[loc.key] as JsonValue[];
  array.splice(loc.index, 1);
  if (array.length === 0) delete loc.parent[loc.key];
}

const STEP = /^(?:([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]|(first|last)\(\)|where\((.*)\))$/;

/** Evaluates a patch path into locations. The first step may name the resource type. */
function locate(resource: Resource, path: string, fail: (message: string) => never): Location[] {
  const steps = splitPath(path, fail);
  if (steps[0] === resource.resourceType) steps.shift();
  let current: Location[] = [{ parent: { root: resource }, key: 'root' }];
  for (const step of steps) {
    const match = STEP.exec(step);
    if (!match) fail(`The path step '${step}' of '${path}' is not supported in FHIRPath Patch here`);
    const [, member, indexer, fn, condition] = match as RegExpExecArray;
    if (member !== undefined) current = current.flatMap((loc) => children(valueAt(loc), member));
    else if (indexer !== undefined) current = current.slice(Number(indexer), Number(indexer) + 1);
    else if (fn === 'first') current = current.slice(0, 1);
    else if (fn === 'last') current = current.slice(-1);
    else if (condition !== undefined) current = current.filter((loc) => matches(valueAt(loc), condition, path, fail));
  }
  return current;
}

function children(value: JsonValue | undefined, key: string): Location[] {
  if (!isJsonObject(value) || value[key] === undefined) return [];
  const child = value[key];
  return Array.isArray(child) ? child.map((_, index) => ({ parent: value, key, index })) : [{ parent: value, key }];
}

function splitPath(path: string, fail: (message: string) => never): string[] {
  const steps: string[] = [];
  let depth = 0;
  let quote = false;
  let buffer = '';
  for (const ch of path) {
    if (ch === "'") quote = !quote;
    if (!quote && ch === '(') depth += 1;
    if (!quote && ch === ')') depth -= 1;
    if (!quote && depth === 0 && (ch === '.' || ch === '[')) {
      if (buffer) steps.push(buffer);
      buffer = ch === '[' ? '[' : '';
      continue;
    }
    buffer += ch;
  }
  if (buffer) steps.push(buffer);
  if (depth !== 0 || quote) fail(`The path '${path}' is not well formed`);
  return steps;
}

/** `a = 'x' and b.c = true` over the candidate's own elements. */
function matches(value: JsonValue | undefined, condition: string, path: string, fail: (message: string) => never): boolean {
  return condition.split(/\s+and\s+/).every((clause) => {
    const parsed = /^\s*([A-Za-z_][A-Za-z0-9_.]*)\s*=\s*('(?:[^'\\]|\\.)*'|true|false|-?\d+(?:\.\d+)?)\s*$/.exec(clause);
    if (!parsed) return fail(`The condition '${clause}' in '${path}' is not supported in FHIRPath Patch here`);
    const [, field, literal] = parsed as RegExpExecArray;
    const expected: JsonValue = (literal as string).startsWith("'") ? (literal as string).slice(1, -1).replace(/\\'/g, "'") : JSON.parse(literal as string) as JsonValue;
    let nodes: (JsonValue | undefined)[] = [value];
    for (const key of (field as string).split('.')) {
      nodes = nodes.flatMap((node) => (isJsonObject(node) ? [node[key]].flat() : []));
    }
    return nodes.some((node) => node === expected);
  });
}
