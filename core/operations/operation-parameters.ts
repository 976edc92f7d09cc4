import { FhirError } from '../errors/fhir-error';
import { isJsonObject, isResource, type JsonValue } from '../fhir-types';

/**
 * An operation's input parameters (operations.html#executing): URL parameters for GET, a
 * Parameters resource for POST (plus URL parameters). Primitive values come as strings,
 * complex ones (Coding, CodeableConcept) as objects, and a `resource` part as the resource.
 */
export class OperationParameters {
  private readonly values = new Map<string, JsonValue[]>();

  constructor(query: readonly (readonly [string, string])[], body: unknown) {
    for (const [name, value] of query) this.add(name, value);
    if (body === undefined) return;
    if (!isResource(body) || body.resourceType !== 'Parameters') throw new FhirError('INVALID_REQUEST', 'The operation takes a Parameters resource as its body', { expression: ['resourceType'] });
    for (const p of Array.isArray(body['parameter']) ? body['parameter'].filter(isJsonObject) : []) {
      if (typeof p['name'] !== 'string') continue;
      const key = Object.keys(p).find((k) => k.startsWith('value') || k === 'resource');
      const value = key !== undefined ? p[key] : undefined;
      if (value !== undefined) this.add(p['name'], typeof value === 'number' || typeof value === 'boolean' ? String(value) : value);
    }
  }

  private add(name: string, value: JsonValue): void {
    this.values.set(name, [...(this.values.get(name) ?? []), value]);
  }

  string(name: string): string | undefined {
    const v = this.values.get(name)?.[0];
    return typeof v === 'string' ? v : undefined;
  }

  object(name: string): Record<string, JsonValue | undefined> | undefined {
    const v = this.values.get(name)?.[0];
    return isJsonObject(v) ? v : undefined;
  }

  /** A non-negative integer parameter; anything else is a 400 naming it. */
  integer(name: string): number | undefined {
    const v = this.string(name);
    if (v === undefined) return undefined;
    if (!/^\d{1,9}$/.test(v)) throw new FhirError('INVALID_REQUEST', `${name} must be a non-negative integer, not '${v}'`, { expression: [name] });
    return Number(v);
  }

  /** The required string parameter, or a 400 naming it. */
  required(name: string): string {
    const v = this.string(name);
    if (v === undefined || v === '') throw new FhirError('INVALID_REQUEST', `The parameter ${name} is required`, { expression: [name] });
    return v;
  }
}
