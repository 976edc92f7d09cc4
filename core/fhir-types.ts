// Minimal structural types for FHIR R4 JSON (https://hl7.org/fhir/R4/json.html).
// Full element-level typing comes from the generated model in core/generated/.

export type JsonPrimitive = string | number | boolean | null;
export type JsonValue = JsonPrimitive | JsonValue[] | JsonObject;
// Values may be undefined so that interfaces with optional members can extend JsonObject.
export type JsonObject = { [key: string]: JsonValue | undefined };

export interface Coding extends JsonObject {
  system?: string;
  code?: string;
  display?: string;
}

export interface Meta extends JsonObject {
  versionId?: string;
  lastUpdated?: string;
  source?: string;
  profile?: string[];
  security?: Coding[];
  tag?: Coding[];
}

/** Any FHIR resource as JSON. */
export interface Resource extends JsonObject {
  resourceType: string;
  id?: string;
  meta?: Meta;
}

export interface OperationOutcomeIssue extends JsonObject {
  severity: 'fatal' | 'error' | 'warning' | 'information';
  code: string;
  diagnostics?: string;
  expression?: string[];
}

export interface OperationOutcome extends Resource {
  resourceType: 'OperationOutcome';
  issue: OperationOutcomeIssue[];
}

export interface BundleEntry extends JsonObject {
  fullUrl?: string;
  resource?: Resource;
  search?: { mode?: 'match' | 'include' | 'outcome'; score?: number };
  request?: { method: string; url: string; ifMatch?: string; ifNoneMatch?: string; ifNoneExist?: string; ifModifiedSince?: string };
  response?: { status: string; location?: string; etag?: string; lastModified?: string; outcome?: Resource };
}

export interface Bundle extends Resource {
  resourceType: 'Bundle';
  type: string;
  total?: number;
  link?: { relation: string; url: string }[];
  entry?: BundleEntry[];
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isResource(value: unknown): value is Resource {
  return isJsonObject(value) && typeof value['resourceType'] === 'string';
}
