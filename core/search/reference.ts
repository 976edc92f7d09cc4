// Literal references as search sees them (https://hl7.org/fhir/R4/references.html#literal and
// search.html#reference): relative `Type/id`, absolute `http://base/Type/id`, either with
// `/_history/v`; canonical `url|version`; anything else (urn:uuid:, #contained) only as a URL.

export interface ParsedReference {
  readonly targetType: string | null;
  readonly targetId: string | null;
  readonly version: string | null;
  /** The absolute or canonical URL (without |version), when the reference is one. */
  readonly url: string | null;
}

const RELATIVE = /^([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/([A-Za-z0-9\-.]{1,64}))?$/;
const ABSOLUTE = /^(?:https?:\/\/.+\/)([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/([A-Za-z0-9\-.]{1,64}))?$/;

export function parseReference(reference: string): ParsedReference {
  const rel = RELATIVE.exec(reference);
  if (rel) return { targetType: rel[1] ?? null, targetId: rel[2] ?? null, version: rel[3] ?? null, url: null };
  const abs = ABSOLUTE.exec(reference);
  if (abs) {
    const url = abs[3] === undefined ? reference : reference.slice(0, reference.indexOf('/_history/'));
    return { targetType: abs[1] ?? null, targetId: abs[2] ?? null, version: abs[3] ?? null, url };
  }
  const bar = reference.indexOf('|');
  if (bar > 0) return { targetType: null, targetId: null, version: reference.slice(bar + 1), url: reference.slice(0, bar) };
  return { targetType: null, targetId: null, version: null, url: reference };
}
