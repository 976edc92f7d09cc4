// Parses Reference.reference (references.html#literal): a relative `Type/id` or
// `Type/id/_history/vid`, a local `#id` to a contained resource (`#` alone is the container), an
// absolute URL, or a `urn:uuid:` / `urn:oid:` placeholder (bundle.html#references). A conditional
// reference `Type?search` is accepted too: transactions resolve it before storing (http.html#trules).
import { isResourceType } from './model';

export type ParsedReference =
  | { readonly kind: 'local'; readonly id: string }
  | { readonly kind: 'relative'; readonly type: string; readonly id: string }
  | { readonly kind: 'conditional'; readonly type: string }
  /** `type` is set when the URL ends in a RESTful `Type/id` of a known resource type. */
  | { readonly kind: 'absolute'; readonly type: string | undefined }
  | { readonly kind: 'urn' };

const ID = '[A-Za-z0-9\\-.]{1,64}';
const RELATIVE = new RegExp(`^([A-Za-z]+)/(${ID})(?:/_history/${ID})?$`);
const ABSOLUTE_TAIL = new RegExp(`/([A-Z][A-Za-z]+)/${ID}(?:/_history/${ID})?$`);
const LOCAL = new RegExp(`^#(?:${ID})?$`);
const CONDITIONAL = /^([A-Za-z]+)\?\S+$/;
// datatypes.html#uuid (either case: clients generate upper-case UUIDs) and datatypes.html#oid.
const UUID = /^urn:uuid:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const OID = /^urn:oid:[0-2](\.(0|[1-9][0-9]*))+$/;
const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:/;

/** The parsed reference, or a plain-English reason it is not a valid literal reference. */
export function parseReference(reference: string): ParsedReference | string {
  if (reference.startsWith('#')) {
    return LOCAL.test(reference) ? { kind: 'local', id: reference.slice(1) } : `'${reference}' is not a valid local reference (#id)`;
  }
  if (reference.startsWith('urn:uuid:')) return UUID.test(reference) ? { kind: 'urn' } : `'${reference}' is not a valid urn:uuid`;
  if (reference.startsWith('urn:oid:')) return OID.test(reference) ? { kind: 'urn' } : `'${reference}' is not a valid urn:oid`;
  if (SCHEME.test(reference)) {
    if (/\s/.test(reference)) return `'${reference}' is not a valid URL (it contains whitespace)`;
    const type = ABSOLUTE_TAIL.exec(reference)?.[1];
    return { kind: 'absolute', type: type !== undefined && isResourceType(type) ? type : undefined };
  }
  const relative = RELATIVE.exec(reference);
  if (relative) {
    const [, type = '', id = ''] = relative;
    return isResourceType(type) ? { kind: 'relative', type, id } : `'${type}' in '${reference}' is not a resource type`;
  }
  const conditional = CONDITIONAL.exec(reference);
  if (conditional) {
    const type = conditional[1] ?? '';
    return isResourceType(type) ? { kind: 'conditional', type } : `'${type}' in '${reference}' is not a resource type`;
  }
  return `'${reference}' is not a valid reference (expected Type/id, Type/id/_history/vid, #id, an absolute URL, urn:uuid: or urn:oid:)`;
}

/** The resource type a reference names, when it names one. */
export function referencedType(parsed: ParsedReference): string | undefined {
  return parsed.kind === 'relative' || parsed.kind === 'conditional' || parsed.kind === 'absolute' ? parsed.type : undefined;
}
