// Resources are served as the JSON text they are stored as (DESIGN.md: "Resources are stored as
// the JSON text they are served as"; issue 11). A stored version carries that text and parses it
// only when something reads the resource (authorization on content, _summary/_elements, patch,
// GraphQL); a searchset entry built from it is registered here with its text, and jsonText()
// splices that text into the response instead of serializing the entry again.
import type { Resource } from '../fhir-types';
import type { StoredVersion } from '../ports/resource-store';

const presetText = new WeakMap<object, string>();

/**
 * A StoredVersion whose `resource` is parsed from `json` on first access (an own enumerable
 * getter, so a spread copy still carries the resource). `json` undefined is a tombstone.
 */
export function storedVersionFromJson(
  key: { readonly resourceType: string; readonly id: string; readonly versionId: string; readonly lastUpdated: string },
  json: string | undefined,
  parse: (json: string) => Resource,
): StoredVersion {
  if (json === undefined) return { ...key, resource: undefined };
  let parsed: Resource | undefined;
  return {
    ...key,
    json,
    get resource(): Resource {
      parsed ??= parse(json);
      return parsed;
    },
  };
}

/**
 * A searchset entry for a stored version (bundle.html#searchset): `resource` parsed lazily, the
 * entry's own JSON text registered so that jsonText() sends the stored bytes.
 */
export function storedEntry(fullUrl: string, version: StoredVersion, json: string, mode: 'match' | 'include'): { fullUrl: string; resource: Resource; search: { mode: 'match' | 'include' } } {
  const entry = {
    fullUrl,
    get resource(): Resource {
      return version.resource as Resource;
    },
    search: { mode },
  };
  presetText.set(entry, `{"fullUrl":${JSON.stringify(fullUrl)},"resource":${json},"search":{"mode":"${mode}"}}`);
  return entry;
}

/**
 * JSON text of a response body; values registered by storedEntry are spliced in as their stored
 * text. Pretty printing serializes everything (indentation is the point of asking for it).
 */
export function jsonText(value: unknown, pretty: boolean): string {
  if (pretty) return JSON.stringify(value, null, 2);
  const spliced: string[] = [];
  const marker = `\u0000stored:${Math.random().toString(36).slice(2)}:`;
  const text = JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === 'object' && v !== null) {
      const preset = presetText.get(v);
      if (preset !== undefined) {
        spliced.push(preset);
        return `${marker}${spliced.length - 1}`;
      }
    }
    return v;
  });
  if (spliced.length === 0) return text;
  // JSON.stringify writes U+0000 as \u0000, so a marker can only come from the replacer above.
  const escaped = JSON.stringify(marker).slice(1, -1).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return text.replace(new RegExp(`"${escaped}(\\d+)"`, 'g'), (_m, i: string) => spliced[Number(i)] ?? 'null');
}
