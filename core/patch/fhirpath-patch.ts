import { FhirError } from '../errors/fhir-error';
import { isJsonObject, isResource, type JsonObject, type JsonValue, type Resource } from '../fhir-types';
import { getTypeDefinition, type PropertyDefinition, type TypeDefinition } from '../validation/model';

/**
 * FHIRPath Patch (https://hl7.org/fhir/R4/fhirpatch.html): a Parameters resource with one
 * `operation` parameter per change (add, insert, delete, replace, move).
 *
 * Paths are evaluated by a small locating evaluator that supports what patches use in practice:
 * member access, `[n]` indexers, `first()`, `last()` and `where(a = 'x' and b.c = 'y')`.
 * Anything else is a 400 naming the path, never a silent no-op. Each located node carries its
 * R4 type, so that `add` knows whether the named element repeats: it creates the list when the
 * element is absent and appends when it is there (fhirpatch.html#add; issue 9, defect 9).
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

/** A located node: a property of an object, or one item of an array property, with its R4 type when known. */
interface Location {
  readonly parent: JsonObject;
  readonly key: string;
  readonly index?: number;
  /** The type of the value here (a datatype, a backbone element or a resource). */
  readonly type: TypeDefinition | undefined;
}

function valueAt(loc: Location): JsonValue | undefined {
  const value = loc.parent[loc.key];
  return loc.index === undefined ? value : Array.isArray(value) ? value[loc.index] : undefined;
}

type Fail = (message: string) => never;

function applyOperation(target: Resource, op: PatchOperation, where: string): void {
  const fail: Fail = (message) => {
    throw new FhirError('INVALID_PATCH', message, { expression: [where] });
  };
  switch (op.type) {
    case 'add': {
      if (op.name === undefined || op.value === undefined) return fail('add needs a name and a value');
      const located = locate(target, op.path, fail);
      if (located.length === 0) return fail(`No content found at ${op.path} when adding`);
      if (located.length > 1) return fail(`The path '${op.path}' must select exactly one element, but selects ${located.length}`);
      const container = located[0] as Location;
      const object = valueAt(container);
      if (!isJsonObject(object)) return fail(`The path '${op.path}' does not select an element that can hold '${op.name}'`);
      const repeats = propertyOf(container.type, op.name, fail)?.element.isArray;
      const existing = object[op.name];
      if (Array.isArray(existing)) existing.push(op.value);
      else if (existing !== undefined) fail(`'${op.name}' already has a value; use replace`);
      else object[op.name] = repeats ? [op.value] : op.value;
      return;
    }
    case 'insert': {
      if (op.value === undefined || op.index === undefined) return fail('insert needs an index and a value');
      const { array, create } = locateList(target, op.path, fail);
      if (op.index < 0 || op.index > array.length) fail(`Index ${op.index} is outside the list of ${array.length}`);
      array.splice(op.index, 0, op.value);
      create();
      return;
    }
    case 'delete': {
      const located = locate(target, op.path, fail);
      if (located.length === 0) return;
      remove(exactlyOne(located, op.path, fail));
      // An element left with no content is not there at all (json.html: no empty objects or
      // arrays): the spec's "Delete Nested Primitive #2" removes the emptied name too.
      pruneEmpty(target);
      return;
    }
    case 'replace': {
      if (op.value === undefined) return fail('replace needs a value');
      const loc = exactlyOne(locate(target, op.path, fail), op.path, fail);
      if (loc.index === undefined) loc.parent[loc.key] = op.value;
      else (loc.parent[loc.key] as JsonValue[])[loc.index] = op.value;
      return;
    }
    case 'move': {
      if (op.source === undefined || op.destination === undefined || Number.isNaN(op.source) || Number.isNaN(op.destination)) return fail('move needs a source and a destination');
      const { array } = locateList(target, op.path, fail);
      if (op.source < 0 || op.source >= array.length || op.destination < 0 || op.destination >= array.length) fail(`move indexes are outside the list of ${array.length}`);
      const [item] = array.splice(op.source, 1);
      array.splice(op.destination, 0, item as JsonValue);
      return;
    }
  }
}

function exactlyOne(located: readonly Location[], path: string, fail: Fail): Location {
  if (located.length !== 1) fail(`The path '${path}' must select exactly one element, but selects ${located.length}`);
  return located[0] as Location;
}

/** The element `name` of `type`; an unknown name is a 400 (undefined when the type is not known). */
function propertyOf(type: TypeDefinition | undefined, name: string, fail: Fail): PropertyDefinition | undefined {
  if (!type) return undefined;
  const property = type.properties.get(name);
  if (!property) fail(`${type.name} has no element '${name}'`);
  return property;
}

/**
 * The list a path names (insert, move): its last step is the repeating element, which may be
 * absent (insert then creates it; `create` attaches a new list once it has an item).
 */
function locateList(resource: Resource, path: string, fail: Fail): { array: JsonValue[]; create: () => void } {
  const steps = splitPath(path, fail);
  const last = steps[steps.length - 1] ?? '';
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(last) || steps.length < 1) fail(`The path '${path}' must end in the name of a repeating element`);
  const owners = locateSteps(resource, steps.slice(0, -1), path, fail);
  const owner = exactlyOne(owners, steps.slice(0, -1).join('.') || resource.resourceType, fail);
  const object = valueAt(owner);
  if (!isJsonObject(object)) return fail(`No content found at ${path}`);
  const property = propertyOf(owner.type, last, fail);
  const existing = object[last];
  if ((property && !property.element.isArray) || (existing !== undefined && !Array.isArray(existing))) fail(`'${last}' in '${path}' does not repeat`);
  if (Array.isArray(existing)) return { array: existing, create: () => undefined };
  const array: JsonValue[] = [];
  return { array, create: () => { if (array.length > 0) object[last] = array; } };
}

function remove(loc: Location): void {
  // A primitive's id and extensions live in the `_name` sibling (json.html#primitive): they go with it.
  const shadow = `_${loc.key}`;
  if (loc.index === undefined) {
    delete loc.parent[loc.key];
    delete loc.parent[shadow];
    return;
  }
  const array = loc.parent[loc.key] as JsonValue[];
  array.splice(loc.index, 1);
  const shadows = loc.parent[shadow];
  if (Array.isArray(shadows)) shadows.splice(loc.index, 1);
  if (array.length === 0) {
    delete loc.parent[loc.key];
    delete loc.parent[shadow];
  }
}

/** Removes objects and arrays that deleting left empty; true when `value` itself is now empty. */
function pruneEmpty(value: JsonValue | undefined): boolean {
  if (Array.isArray(value)) {
    for (let i = value.length - 1; i >= 0; i -= 1) {
      const item = value[i];
      if ((isJsonObject(item) || Array.isArray(item)) && pruneEmpty(item)) value.splice(i, 1);
    }
    return value.length === 0;
  }
  if (!isJsonObject(value)) return false;
  for (const [key, child] of Object.entries(value)) {
    if ((isJsonObject(child) || Array.isArray(child)) && pruneEmpty(child)) delete value[key];
  }
  return Object.keys(value).length === 0;
}

const STEP = /^(?:([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]|(first|last)\(\)|where\((.*)\))$/;

/** Evaluates a patch path into locations. The first step may name the resource type. */
function locate(resource: Resource, path: string, fail: Fail): Location[] {
  return locateSteps(resource, splitPath(path, fail), path, fail);
}

function locateSteps(resource: Resource, pathSteps: readonly string[], path: string, fail: Fail): Location[] {
  const steps = [...pathSteps];
  if (steps[0] === resource.resourceType) steps.shift();
  let current: Location[] = [{ parent: { root: resource }, key: 'root', type: getTypeDefinition(resource.resourceType) }];
  for (const step of steps) {
    const match = STEP.exec(step);
    if (!match) fail(`The path step '${step}' of '${path}' is not supported in FHIRPath Patch here`);
    const [, member, indexer, fn, condition] = match as RegExpExecArray;
    if (member !== undefined) current = current.flatMap((loc) => children(loc, member, fail));
    else if (indexer !== undefined) current = current.slice(Number(indexer), Number(indexer) + 1);
    else if (fn === 'first') current = current.slice(0, 1);
    else if (fn === 'last') current = current.slice(-1);
    else if (condition !== undefined) current = current.filter((loc) => matches(valueAt(loc), condition, path, fail));
  }
  return current;
}

function children(loc: Location, key: string, fail: Fail): Location[] {
  const value = valueAt(loc);
  if (!isJsonObject(value)) return [];
  const property = propertyOf(loc.type, key, fail);
  const child = value[key];
  if (child === undefined) return [];
  const typeOf = (item: JsonValue | undefined): TypeDefinition | undefined => {
    if (!property) return undefined;
    if (property.element.children) return property.element.children;
    // Resource-typed elements (contained, Bundle.entry.resource) take the item's own type.
    if (property.type.code === 'Resource' && isJsonObject(item) && typeof item['resourceType'] === 'string') return getTypeDefinition(item['resourceType']);
    return getTypeDefinition(property.type.code);
  };
  return Array.isArray(child) ? child.map((item, index) => ({ parent: value, key, index, type: typeOf(item) })) : [{ parent: value, key, type: typeOf(child) }];
}

function splitPath(path: string, fail: Fail): string[] {
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
function matches(value: JsonValue | undefined, condition: string, path: string, fail: Fail): boolean {
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
