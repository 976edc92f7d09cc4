// Placeholder references outside a transaction (issue 9, defect 8's class): `urn:uuid:` and
// `urn:oid:` in Reference.reference are placeholders that only a Bundle entry's fullUrl gives
// meaning to (bundle.html#references). A transaction rewrites them to the entries it creates; in
// a plain create, update, patch or batch entry nothing ever will, so storing one would store a
// reference to nothing. Inside a Bundle resource (a document or collection), a placeholder that
// names one of that Bundle's own entries does resolve (bundle.html#references, "resolving
// references in Bundles") and is kept.
import { isJsonObject, type JsonObject } from '../fhir-types';
import { getTypeDefinition, type TypeDefinition } from './model';

/** A placeholder that nothing resolves, and where: `Observation.subject.reference`. */
export interface UnresolvedPlaceholder {
  readonly reference: string;
  readonly path: string;
}

const PLACEHOLDER = /^urn:(uuid|oid):/i;

/**
 * The Reference.reference values of `resource` that are `urn:uuid:` / `urn:oid:` placeholders
 * which no enclosing Bundle entry defines. Walks with the type model, so only Reference elements
 * count (a uri such as Identifier.value may well be a urn:uuid).
 * @example unresolvedPlaceholders({ resourceType: 'Observation', subject: { reference: 'urn:uuid:…' }, … }) // [{ reference: 'urn:uuid:…', path: 'Observation.subject.reference' }]
 */
export function unresolvedPlaceholders(resource: JsonObject): UnresolvedPlaceholder[] {
  const found: UnresolvedPlaceholder[] = [];
  const type = typeof resource['resourceType'] === 'string' ? getTypeDefinition(resource['resourceType']) : undefined;
  if (type) walkResource(resource, type, type.name, new Set(), found);
  return found;
}

function walkResource(resource: JsonObject, type: TypeDefinition, path: string, outer: ReadonlySet<string>, found: UnresolvedPlaceholder[]): void {
  let known = outer;
  if (type.name === 'Bundle' && Array.isArray(resource['entry'])) {
    const fullUrls = resource['entry'].flatMap((entry) => (isJsonObject(entry) && typeof entry['fullUrl'] === 'string' ? [entry['fullUrl']] : []));
    known = new Set([...outer, ...fullUrls]);
  }
  walk(resource, type, path, known, found);
}

function walk(value: JsonObject, type: TypeDefinition, path: string, known: ReadonlySet<string>, found: UnresolvedPlaceholder[]): void {
  for (const [key, child] of Object.entries(value)) {
    const property = type.properties.get(key);
    if (!property || property.kind === 'primitive') continue;
    const items = Array.isArray(child) ? child : [child];
    items.forEach((item, i) => {
      if (!isJsonObject(item)) return;
      const itemPath = Array.isArray(child) ? `${path}.${key}[${i}]` : `${path}.${key}`;
      if (property.kind === 'resource') {
        const itemType = typeof item['resourceType'] === 'string' ? getTypeDefinition(item['resourceType']) : undefined;
        if (itemType) walkResource(item, itemType, itemPath, known, found);
        return;
      }
      if (property.type.code === 'Reference') {
        const reference = item['reference'];
        if (typeof reference === 'string' && PLACEHOLDER.test(reference) && !known.has(reference)) found.push({ reference, path: `${itemPath}.reference` });
      }
      const itemType = property.kind === 'backbone' ? property.element.children : getTypeDefinition(property.type.code);
      if (itemType) walk(item, itemType, itemPath, known, found);
    });
  }
}
