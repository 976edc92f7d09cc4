// The R4 base invariants of a whole resource (issue 9, defect 2): walks the resource with the
// type model and evaluates, at each resource, datatype and backbone element, the constraints the
// R4 StructureDefinitions define there (core/generated/invariants.ts), through invariants.ts.
// Runs only on structurally valid resources (validate-resource.ts), so every node has the shape
// its type says.
import { isJsonObject, type JsonObject, type OperationOutcomeIssue } from '../fhir-types';
import { baseConstraintsAt, evaluateConstraints } from './invariants';
import { getTypeDefinition, type TypeDefinition } from './model';
import { narrativeIssues } from './narrative-xhtml';

/**
 * Every R4 base invariant `resource` fails, each with the element's path: errors, and with
 * `warnings` (for $validate) the warnings too. The write path leaves warnings out: they are
 * never enforced, so evaluating them there would only cost time.
 */
export function checkResourceInvariants(resource: JsonObject, options: { readonly warnings: boolean }): OperationOutcomeIssue[] {
  const issues: OperationOutcomeIssue[] = [];
  const type = typeof resource['resourceType'] === 'string' ? getTypeDefinition(resource['resourceType']) : undefined;
  if (type) new InvariantWalk(issues, options.warnings).resource(resource, type, type.name, resource);
  return issues;
}

class InvariantWalk {
  constructor(
    private readonly issues: OperationOutcomeIssue[],
    private readonly warnings: boolean,
  ) {}

  /** A resource: %resource is itself; %rootResource its container when contained. */
  resource(value: JsonObject, type: TypeDefinition, path: string, root: JsonObject): void {
    this.node(value, type, path, value, root);
  }

  private node(value: JsonObject, type: TypeDefinition, path: string, resource: JsonObject, root: JsonObject): void {
    // ele-1 natively (invariant-exceptions.ts says why): an element other than a resource needs
    // a value or a child other than its id. Empty objects are already refused by the JSON rules.
    if (type.kind !== 'resource' && Object.keys(value).every((key) => key === 'id')) {
      this.issues.push({ severity: 'error', code: 'invariant', diagnostics: 'All FHIR elements must have a @value or children (ele-1)', expression: [path] });
    }
    // txt-1 and txt-2 natively (htmlChecks() is not in fhirpath.js; invariant-exceptions.ts).
    if (type.name === 'Narrative' && typeof value['div'] === 'string') this.issues.push(...narrativeIssues(value['div'], `${path}.div`));
    evaluateConstraints(baseConstraintsAt(type.name, this.warnings), { node: value, base: type.name, expression: path, resource, rootResource: root }, this.issues);
    for (const key of Object.keys(value)) {
      if (key === 'resourceType') continue;
      const child = value[key];
      if (key.charCodeAt(0) === 95) {
        // `_x`: a primitive's id and extensions, an Element (json.html#primitive).
        this.elements(child, getTypeDefinition('Element'), `${path}.${key.slice(1)}`, resource, root);
        continue;
      }
      const property = type.properties.get(key);
      if (!property || property.kind === 'primitive') continue;
      const items = Array.isArray(child) ? child : [child];
      items.forEach((item, i) => {
        if (!isJsonObject(item)) return;
        const itemPath = Array.isArray(child) ? `${path}.${key}[${i}]` : `${path}.${key}`;
        if (property.kind === 'resource') {
          const itemType = typeof item['resourceType'] === 'string' ? getTypeDefinition(item['resourceType']) : undefined;
          if (!itemType) return;
          // A contained resource keeps its container as %rootResource; an inline one (Bundle.entry.resource) is its own root.
          this.resource(item, itemType, itemPath, key === 'contained' ? root : item);
          return;
        }
        const itemType = property.kind === 'backbone' ? property.element.children : getTypeDefinition(property.type.code);
        if (itemType) this.node(item, itemType, itemPath, resource, root);
      });
    }
  }

  private elements(value: unknown, type: TypeDefinition | undefined, path: string, resource: JsonObject, root: JsonObject): void {
    if (!type) return;
    if (isJsonObject(value)) this.node(value, type, path, resource, root);
    else if (Array.isArray(value)) value.forEach((item, i) => { if (isJsonObject(item)) this.node(item, type, `${path}[${i}]`, resource, root); });
  }
}
