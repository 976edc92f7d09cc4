// Synthea-style transaction Bundles (https://github.com/synthetichealth/synthea, FHIR R4 export):
// a patient's resources are POSTed with urn:uuid fullUrls and refer to each other by them; shared
// providers are referred to by conditional references (`Organization?identifier=...`), loaded
// first from a `hospitalInformation` Bundle of conditional creates.
import { isJsonObject, type Bundle, type JsonValue, type Resource } from '../../core/fhir-types';
import type { PatientRecord } from './synthetic-patients';

function identifierQuery(resource: Resource): string | undefined {
  const identifier = Array.isArray(resource['identifier']) ? resource['identifier'][0] : undefined;
  if (!isJsonObject(identifier) || typeof identifier['system'] !== 'string' || typeof identifier['value'] !== 'string') return undefined;
  return `identifier=${encodeURIComponent(`${identifier['system']}|${identifier['value']}`)}`;
}

function rewrite(value: JsonValue | undefined, refs: ReadonlyMap<string, string>): JsonValue | undefined {
  if (Array.isArray(value)) return value.map((v) => rewrite(v, refs) ?? null);
  if (!isJsonObject(value)) return value;
  const out: Record<string, JsonValue | undefined> = {};
  for (const [key, child] of Object.entries(value)) out[key] = key === 'reference' && typeof child === 'string' ? (refs.get(child) ?? child) : rewrite(child, refs);
  return out as JsonValue;
}

/** The shared providers as a transaction of conditional creates. */
export function providersBundle(providers: readonly Resource[]): Bundle {
  return {
    resourceType: 'Bundle', type: 'transaction',
    entry: providers.map((resource) => {
      const { id, ...body } = resource;
      const query = identifierQuery(resource);
      return { fullUrl: `urn:uuid:${id ?? ''}`, resource: body as Resource, request: { method: 'POST', url: resource.resourceType, ...(query !== undefined ? { ifNoneExist: query } : {}) } };
    }),
  };
}

/** One patient's transaction Bundle, Synthea style. */
export function patientBundle(record: PatientRecord, providers: readonly Resource[]): Bundle {
  const refs = new Map<string, string>();
  for (const p of providers) {
    const query = identifierQuery(p);
    if (query !== undefined) refs.set(`${p.resourceType}/${p.id ?? ''}`, `${p.resourceType}?${query}`);
  }
  const all = [record.patient, ...record.resources];
  for (const r of all) refs.set(`${r.resourceType}/${r.id ?? ''}`, `urn:uuid:${r.id ?? ''}`);
  return {
    resourceType: 'Bundle', type: 'transaction',
    entry: all.map((resource) => {
      const { id, ...body } = resource;
      return { fullUrl: `urn:uuid:${id ?? ''}`, resource: rewrite(body, refs) as Resource, request: { method: 'POST', url: resource.resourceType } };
    }),
  };
}
