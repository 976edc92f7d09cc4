// Whose eyes a Subscription sees with (issue 13: "a subscription only ever notifies about
// resources its creator may read"). The principal of the last client write is kept on the
// Subscription in a server-owned extension, and matching and delivery run as that principal.
import type { JsonObject, Resource } from '../fhir-types';
import type { Principal, RequestContext } from '../request';

export const OWNER_EXTENSION_URL = 'urn:fhir-gateway:subscription-owner';

type Extension = JsonObject;

/** The principal without anything secret (no token is ever kept; only the claims decisions need). */
export function ownerExtension(principal: Principal): { url: string; valueString: string } {
  const owner: Principal = {
    subject: principal.subject,
    groups: principal.groups,
    scopes: principal.scopes,
    ...(principal.tenant !== undefined ? { tenant: principal.tenant } : {}),
    ...(principal.fhirUser !== undefined ? { fhirUser: principal.fhirUser } : {}),
    ...(principal.patient !== undefined ? { patient: principal.patient } : {}),
    ...(principal.unauthenticated === true ? { unauthenticated: true } : {}),
  };
  return { url: OWNER_EXTENSION_URL, valueString: JSON.stringify(owner) };
}

/** The resource's extensions without the owner extension (a client may not set it). */
export function withoutOwner(resource: Resource): Resource {
  const extensions = Array.isArray(resource['extension']) ? (resource['extension'] as Extension[]).filter((e) => e.url !== OWNER_EXTENSION_URL) : [];
  const rest: Resource = { ...resource };
  delete rest['extension'];
  return extensions.length > 0 ? { ...rest, extension: extensions } : rest;
}

const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);

/** The owner's principal, or undefined when the Subscription carries none (it then notifies nobody). */
export function ownerOf(subscription: Resource): Principal | undefined {
  const extensions = Array.isArray(subscription['extension']) ? (subscription['extension'] as Extension[]) : [];
  const value = extensions.find((e) => e.url === OWNER_EXTENSION_URL)?.valueString;
  if (typeof value !== 'string') return undefined;
  try {
    const parsed = JSON.parse(value) as Record<string, unknown>;
    if (typeof parsed['subject'] !== 'string') return undefined;
    const text = (key: string): string | undefined => (typeof parsed[key] === 'string' ? parsed[key] : undefined);
    const tenant = text('tenant');
    const fhirUser = text('fhirUser');
    const patient = text('patient');
    return {
      subject: parsed['subject'],
      groups: strings(parsed['groups']),
      scopes: strings(parsed['scopes']),
      ...(tenant !== undefined ? { tenant } : {}),
      ...(fhirUser !== undefined ? { fhirUser } : {}),
      ...(patient !== undefined ? { patient } : {}),
      ...(parsed['unauthenticated'] === true ? { unauthenticated: true } : {}),
    };
  } catch {
    return undefined;
  }
}

/** The request context the owner would have in the subscription's tenant. */
export function ownerContext(owner: Principal, tenant: string, baseUrl: string, correlationId: string): RequestContext {
  return { principal: owner, tenant, baseUrl, correlationId };
}
