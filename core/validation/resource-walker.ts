// Walks a FHIR JSON resource once against the type model and collects every issue, each with a
// FHIRPath-style expression (`Patient.name[0].given[1]`). Rules, with their spec sections:
// json.html (representation, arrays, primitive `_x` siblings, no null, no empty values),
// elementdefinition.html (cardinality, choice types), datatypes.html (primitive formats),
// references.html (literal references, target types, ref-1), extensibility.html (ext-1),
// resource.html / domainresource.html (id, dom-2 to dom-5 on contained resources).
import { isJsonObject, type JsonObject, type OperationOutcomeIssue } from '../fhir-types';
import { getTypeDefinition, isResourceType, type ElementDefinition, type ElementType, type PropertyDefinition, type RequiredBinding, type TypeDefinition } from './model';
import { checkPrimitive, describeJson } from './primitives';
import { parseReference, referencedType } from './references';
import { ContainmentScope, type ContainedResource } from './containment-scope';
import type { IssueCode } from './issue-code';

/** Beyond this nesting depth a body is rejected, not walked (no stack overflow on hostile input). */
export const MAX_DEPTH = 128;
/** Issues kept per resource; the rest are summarised in one final issue. */
export const MAX_ISSUES = 100;

const LOCAL_URI_TYPES: ReadonlySet<string> = new Set(['canonical', 'uri', 'url']);

export class ResourceWalker {
  readonly issues: OperationOutcomeIssue[] = [];
  private dropped = 0;
  private scope = new ContainmentScope();
  private contained: ContainedResource | undefined;

  report(code: IssueCode, diagnostics: string, expression: string): void {
    if (this.issues.length >= MAX_ISSUES) {
      this.dropped += 1;
      return;
    }
    this.issues.push({ severity: 'error', code, diagnostics, expression: [expression] });
  }

  finish(): OperationOutcomeIssue[] {
    if (this.dropped > 0) {
      this.issues.push({ severity: 'error', code: 'too-costly', diagnostics: `Validation stopped after ${MAX_ISSUES} issues; ${this.dropped} more were not listed` });
    }
    return this.issues;
  }

  /** A resource: the root, a contained resource (mode `contained`) or an inline one (Bundle.entry.resource). */
  resource(value: unknown, path: string, mode: 'root' | 'contained' | 'inline', depth: number): void {
    if (!isJsonObject(value)) {
      this.report('structure', `A resource must be a JSON object, not ${describeJson(value)}`, path);
      return;
    }
    const resourceType = value['resourceType'];
    if (typeof resourceType !== 'string') {
      this.report('structure', 'The resource has no resourceType', path);
      return;
    }
    const type = getTypeDefinition(resourceType);
    if (type?.kind !== 'resource') {
      this.report('structure', `'${resourceType}' is not a FHIR R4 resource type`, path);
      return;
    }
    if (mode === 'contained') {
      this.containedRules(value, path);
      const outer = this.contained;
      this.contained = this.scope.addContained(value['id'], resourceType, path);
      this.object(value, type, path, depth);
      this.contained = outer;
      return;
    }
    const outerScope = this.scope;
    const outerContained = this.contained;
    this.scope = new ContainmentScope();
    this.contained = undefined;
    this.object(value, type, path, depth);
    this.scope.finish(this);
    this.scope = outerScope;
    this.contained = outerContained;
  }

  /** dom-2, dom-4, dom-5 (domainresource.html#invs). */
  private containedRules(resource: JsonObject, path: string): void {
    if (resource['contained'] !== undefined) this.report('invariant', 'A contained resource cannot contain resources (dom-2)', `${path}.contained`);
    const meta = resource['meta'];
    if (!isJsonObject(meta)) return;
    for (const name of ['versionId', 'lastUpdated']) {
      if (meta[name] !== undefined) this.report('invariant', `A contained resource cannot have meta.${name} (dom-4)`, `${path}.meta.${name}`);
    }
    if (meta['security'] !== undefined) this.report('invariant', 'A contained resource cannot have security labels (dom-5)', `${path}.meta.security`);
  }

  /** An element object (resource, datatype or backbone) against its type. */
  object(value: JsonObject, type: TypeDefinition, path: string, depth: number): void {
    if (depth > MAX_DEPTH) {
      this.report('too-costly', `Nested more than ${MAX_DEPTH} levels deep`, path);
      return;
    }
    const keys = Object.keys(value);
    if (keys.length === 0) this.report('structure', 'An object must not be empty (json.html)', path);
    let choices: Map<ElementDefinition, string> | undefined;
    for (const key of keys) {
      const isExtension = key.charCodeAt(0) === 95; // `_birthDate`: the id and extensions of a primitive
      const name = isExtension ? key.slice(1) : key;
      if (key === 'resourceType' && type.kind === 'resource') continue;
      const property = type.properties.get(name);
      if (!property || (isExtension && property.kind !== 'primitive')) {
        this.unknownElement(type, key, path);
        continue;
      }
      if (isExtension && value[name] !== undefined) continue; // walked with its value
      const element = property.element;
      if (element.isChoice) {
        choices ??= new Map();
        const chosen = choices.get(element);
        if (chosen !== undefined && chosen !== name) {
          this.report('structure', `Only one of the ${element.name} choices may be present, found ${chosen} and ${name}`, `${path}.${name}`);
          continue;
        }
        choices.set(element, name);
      }
      const item = value[name];
      const extension = isExtension || property.kind === 'primitive' ? value[property.extensionName] : undefined;
      // The common case, a single primitive value, skips building its path unless it is wrong.
      if (property.kind === 'primitive' && !element.isArray && extension === undefined && item !== null && !Array.isArray(item) && element.max !== 0) {
        this.primitive(property, item, path);
      } else {
        this.property(property, item, extension, `${path}.${name}`, depth);
      }
    }
    for (const element of type.requiredElements) {
      if (!this.isPresent(value, element)) {
        this.report('required', `${element.name} is required (minimum cardinality ${element.min})`, `${path}.${element.isChoice ? element.name.slice(0, -3) : element.name}`);
      }
    }
    if (type.name === 'Extension') this.extensionRule(value, keys, path);
  }

  private isPresent(value: JsonObject, element: ElementDefinition): boolean {
    for (const name of element.jsonNames) {
      if (value[name] !== undefined || value['_' + name] !== undefined) return true;
    }
    return false;
  }

  private unknownElement(type: TypeDefinition, key: string, path: string): void {
    const name = key.startsWith('_') ? key.slice(1) : key;
    const choice = type.elements.get(name + '[x]');
    const hint = choice ? ` (${choice.name} needs a type suffix, e.g. ${choice.jsonNames[0] ?? name})` : '';
    this.report('structure', `Unknown element '${key}' in ${type.name}${hint}`, `${path}.${key}`);
  }

  /** ext-1: an extension has either a value[x] or nested extensions, not both (extensibility.html). */
  private extensionRule(value: JsonObject, keys: readonly string[], path: string): void {
    let hasValue = false;
    for (const key of keys) hasValue ||= key.startsWith('value') || key.startsWith('_value');
    const hasExtensions = value['extension'] !== undefined;
    if (hasValue === hasExtensions) {
      this.report('invariant', hasValue ? 'An extension must not have both a value and nested extensions (ext-1)' : 'An extension must have a value or nested extensions (ext-1)', path);
    }
  }

  private property(property: PropertyDefinition, value: unknown, extension: unknown, path: string, depth: number): void {
    const element = property.element;
    if (element.max === 0) {
      this.report('structure', `${element.name} is not allowed here (maximum cardinality 0)`, path);
      return;
    }
    if (!element.isArray) {
      if (Array.isArray(value) || Array.isArray(extension)) {
        this.report('structure', `${element.name} has a maximum cardinality of 1 and must not be an array`, path);
        return;
      }
      if (value !== undefined) this.item(property, value, path, depth);
      if (extension !== undefined) this.primitiveExtension(extension, path, depth);
      return;
    }
    if ((value !== undefined && !Array.isArray(value)) || (extension !== undefined && !Array.isArray(extension))) {
      this.report('structure', `${element.name} repeats (maximum cardinality ${element.max === Infinity ? '*' : element.max}) and must be an array`, path);
      return;
    }
    const values: readonly unknown[] = Array.isArray(value) ? value : [];
    const extensions: readonly unknown[] = Array.isArray(extension) ? extension : [];
    if (value !== undefined && extension !== undefined && values.length !== extensions.length) {
      this.report('structure', `${element.name} and _${element.name} must have the same length (json.html#primitive)`, path);
    }
    const count = Math.max(values.length, extensions.length);
    if (count === 0) this.report('structure', 'An array must not be empty (json.html)', path);
    if (count > element.max) this.report('structure', `${element.name} has ${count} items, more than its maximum cardinality ${element.max}`, path);
    else if (count > 0 && count < element.min) this.report('required', `${element.name} has ${count} items, fewer than its minimum cardinality ${element.min}`, path);
    for (let i = 0; i < count; i += 1) {
      const itemPath = `${path}[${i}]`;
      const item = values[i];
      const itemExtension = extensions[i];
      // json.html#primitive: null only pads one of the `x` / `_x` arrays where the other has content.
      if ((item ?? null) === null && (itemExtension ?? null) === null) {
        this.report('structure', `${element.name}[${i}] is null; null is only allowed to align primitive values with their _ extensions`, itemPath);
        continue;
      }
      if (item !== null && item !== undefined) this.item(property, item, itemPath, depth);
      else if (property.kind !== 'primitive') this.report('structure', `${element.name}[${i}] must not be null`, itemPath);
      if (itemExtension !== null && itemExtension !== undefined) this.primitiveExtension(itemExtension, itemPath, depth);
    }
  }

  /** `_x`: the id and extensions of a primitive value, shaped as an Element. */
  private primitiveExtension(value: unknown, path: string, depth: number): void {
    const element = getTypeDefinition('Element');
    if (!isJsonObject(value)) this.report('structure', `The extension part of a primitive must be a JSON object, not ${describeJson(value)}`, path);
    else if (element) this.object(value, element, path, depth + 1);
  }

  private item(property: PropertyDefinition, value: unknown, path: string, depth: number): void {
    const type = property.type;
    switch (property.kind) {
      case 'primitive':
        this.primitive(property, value, path, false);
        return;
      case 'resource':
        this.resource(value, path, property.element.name === 'contained' && this.contained === undefined ? 'contained' : 'inline', depth + 1);
        return;
      default:
        break;
    }
    if (!isJsonObject(value)) {
      this.report('structure', `${property.element.name} must be a JSON object (${type.code}), not ${describeJson(value)}`, path);
      return;
    }
    const definition = property.kind === 'backbone' ? property.element.children : getTypeDefinition(type.code);
    if (!definition) return;
    this.object(value, definition, path, depth + 1);
    if (type.code === 'Reference') this.reference(value, type, path);
    const codingBinding = property.element.codingBinding;
    if (codingBinding) this.codingBinding(value, type.code, codingBinding, path);
  }

  /**
   * A required binding on a CodeableConcept or Coding (terminologies.html#required): the
   * concept has a coding (text alone does not do), and at least one coding is in the value set,
   * matched on system and code. Other codings may sit beside it (translations).
   */
  private codingBinding(value: JsonObject, typeCode: string, binding: RequiredBinding, path: string): void {
    const codings = typeCode === 'Coding' ? [value] : Array.isArray(value['coding']) ? value['coding'] : [];
    if (codings.length === 0) {
      this.report('code-invalid', `A code from the required value set ${binding.valueSet} is needed, and there is none`, path);
      return;
    }
    const inValueSet = codings.some((coding) => isJsonObject(coding) && binding.codes.has(`${String(coding['system'])}|${String(coding['code'])}`));
    if (inValueSet) return;
    const given = codings.map((coding) => (isJsonObject(coding) ? `${typeof coding['system'] === 'string' ? coding['system'] : '(no system)'}#${String(coding['code'])}` : '?'));
    this.report('code-invalid', `None of the codings (${given.join(', ')}) is in the required value set ${binding.valueSet}`, path);
  }

  /**
   * `at` is the value's own path, or (with `parent`) the path of the object holding it, so the
   * common valid case builds no path string. (No closure for that: tsx wraps every closure it
   * creates in a costly __name call, which cut throughput by four.)
   */
  private primitive(property: PropertyDefinition, value: unknown, at: string, parent = true): void {
    if (value === null) {
      this.report('structure', `${property.element.name} must not be null`, parent ? `${at}.${property.jsonName}` : at);
      return;
    }
    const code = property.type.code;
    const problem = checkPrimitive(code, value);
    if (problem) {
      this.report(problem.code, `${property.jsonName} ${problem.message}`, parent ? `${at}.${property.jsonName}` : at);
      return;
    }
    const binding = property.element.binding;
    if (binding && code === 'code' && !binding.codes.has(value as string)) {
      const path = parent ? `${at}.${property.jsonName}` : at;
      this.report('code-invalid', `'${String(value)}' is not a code of the required value set ${binding.valueSet}`, path);
    }
    if (LOCAL_URI_TYPES.has(code) && typeof value === 'string' && value.startsWith('#')) this.scope.noteLocalUri(value.slice(1), this.contained);
  }

  /** references.html#literal, plus the element's target types and ref-1. */
  private reference(value: JsonObject, type: ElementType, path: string): void {
    const reference = value['reference'];
    if (typeof reference === 'string' && reference.length > 0) {
      const parsed = parseReference(reference);
      if (typeof parsed === 'string') {
        this.report('value', parsed, `${path}.reference`);
      } else if (parsed.kind === 'local') {
        this.scope.noteLocalReference(parsed.id, type.targets, `${path}.reference`, this.contained);
      } else {
        this.checkTarget(referencedType(parsed), type, `${path}.reference`);
      }
    }
    const referenceType = value['type'];
    if (typeof referenceType === 'string' && !referenceType.includes(':')) {
      // Reference.type: a resource type name (or an absolute URL of a logical model).
      if (!isResourceType(referenceType)) this.report('value', `'${referenceType}' is not a resource type`, `${path}.type`);
      else this.checkTarget(referenceType, type, `${path}.type`);
    }
  }

  private checkTarget(target: string | undefined, type: ElementType, path: string): void {
    if (target === undefined || type.targets === undefined || type.targets.includes(target)) return;
    this.report('value', `A reference to ${target} is not allowed here; allowed: ${type.targets.join(', ')}`, path);
  }
}
