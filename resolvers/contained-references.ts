// Contained references (`#id`, https://hl7.org/fhir/R4/references.html#contained) resolve
// against the resource that contains the Reference. graphql-js gives a resolver only its parent
// object, so each returned resource that has contained (or nested) resources is indexed once:
// each nested object -> the resource whose `contained` list `#id` refers to.
import { isJsonObject, isResource, type JsonValue, type Resource } from '../core/fhir-types';

export type ContainerIndex = WeakMap<object, Resource>;

function walk(node: JsonValue | undefined, container: Resource, index: ContainerIndex): void {
  if (Array.isArray(node)) {
    for (const item of node) walk(item, container, index);
    return;
  }
  if (!isJsonObject(node) || index.has(node)) return;
  index.set(node, container);
  for (const [key, value] of Object.entries(node)) {
    // Contained resources resolve `#id` against their container; any other nested resource
    // (Bundle.entry.resource, Parameters.parameter.resource) is its own container.
    if (key === 'contained' && Array.isArray(value)) {
      for (const contained of value) walk(contained, container, index);
    } else if (isResource(value)) {
      walk(value, value, index);
    } else {
      walk(value, container, index);
    }
  }
}

/** Only these can hold a `#id` reference that points somewhere else than nowhere. */
function mayHoldContainedReferences(resource: Resource): boolean {
  const contained = resource['contained'];
  return (Array.isArray(contained) && contained.length > 0) || resource.resourceType === 'Bundle' || resource.resourceType === 'Parameters';
}

/**
 * Indexes the resources found in a resolver's result (a resource, a list, a Connection) that
 * have contained resources or nest other resources; the rest are skipped, keeping the walk off
 * the common path.
 */
export function indexContainers(value: unknown, index: ContainerIndex): void {
  if (Array.isArray(value)) {
    for (const item of value) indexContainers(item, index);
    return;
  }
  if (isResource(value)) {
    if (mayHoldContainedReferences(value)) walk(value, value, index);
    return;
  }
  if (isJsonObject(value)) for (const item of Object.values(value)) indexContainers(item, index);
}

/** `#id` (or `#` for the container itself) against the Reference's container; undefined when absent. */
export function resolveContained(reference: string, source: object, index: ContainerIndex): Resource | undefined {
  const container = index.get(source);
  if (container === undefined) return undefined;
  const id = reference.slice(1);
  if (id === '') return container;
  const contained = container['contained'];
  if (!Array.isArray(contained)) return undefined;
  return contained.find((candidate): candidate is Resource => isResource(candidate) && candidate.id === id);
}
