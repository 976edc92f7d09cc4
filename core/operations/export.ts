// $export kick-off at system, Patient and Group level (Bulk Data Access IG v2.0.0,
// https://hl7.org/fhir/uv/bulkdata/export.html#bulk-data-kick-off-request): checks the request
// and the caller's rights, records a durable job at a snapshot mark and hands it to the runner.
import { PATIENT_COMPARTMENT_TYPES, groupMemberPatients } from '../bulk/export-membership';
import { parseExportParameters, type ExportParameters } from '../bulk/export-parameters';
import { bulkExportOf } from '../bulk/export-settings';
import type { CoreDeps } from '../core-deps';
import { FhirError } from '../errors/fhir-error';
import type { OperationOutcome } from '../fhir-types';
import { read } from '../interactions/read';
import type { InteractionResult } from '../interactions/result';
import type { ExportJob, ExportLevel, ExportSegment } from '../ports/bulk-export';
import type { FhirRequest, Principal } from '../request';
import { statusUrl } from '../bulk/export-urls';

/** Binary content lives in the BinaryStore, not in the stored resource; it is not exported. */
const NOT_EXPORTED = new Set(['Binary']);

/** Values of the Prefer header (RFC 7240), e.g. respond-async, handling=lenient. */
export function preferTokens(req: FhirRequest): Map<string, string> {
  const tokens = new Map<string, string>();
  for (const part of (req.headers['prefer'] ?? '').split(/[,;]/)) {
    const [key = '', value = ''] = part.split('=').map((s) => s.trim());
    if (key !== '') tokens.set(key.toLowerCase(), value.replace(/^"|"$/g, ''));
  }
  return tokens;
}

/** Cognito groups listed in the settings, a SMART system/ scope (backend services), or the no-auth mode. */
function maySystemExport(principal: Principal, groups: readonly string[]): boolean {
  if (principal.unauthenticated === true) return true;
  return principal.groups.some((g) => groups.includes(g)) || principal.scopes.some((s) => s.startsWith('system/'));
}

function levelOf(type: string | undefined, id: string | undefined): ExportLevel {
  if (type === undefined) return 'system';
  if (type === 'Patient' && id === undefined) return 'patient';
  if (type === 'Group' && id !== undefined) return 'group';
  throw new FhirError('NOT_FOUND', `$export is offered at [base]/$export, [base]/Patient/$export and [base]/Group/[id]/$export, not on ${type}${id !== undefined ? '/[id]' : ''}`);
}

function exportedTypes(deps: CoreDeps, req: FhirRequest, level: ExportLevel, params: ExportParameters): string[] {
  const ctx = req.context;
  if (params.types !== undefined) {
    for (const type of params.types) {
      if (NOT_EXPORTED.has(type)) throw new FhirError('INVALID_REQUEST', `${type} is not exported by this server (its content lives outside the resource)`, { expression: ['_type'] });
      deps.access.assertAllowed(ctx, 'search-type', type);
    }
    return [...params.types];
  }
  const candidates = level === 'system' ? deps.resourceTypes : PATIENT_COMPARTMENT_TYPES;
  const allowed = deps.access.allowedResourceTypes(ctx, 'search-system');
  return candidates.filter((t) => !NOT_EXPORTED.has(t) && (allowed === '*' || allowed.includes(t)));
}

function segmentsOf(types: readonly string[], filters: ReadonlyMap<string, readonly string[]>): ExportSegment[] {
  const segments: ExportSegment[] = [];
  for (const type of types) {
    const list = filters.get(type);
    if (list === undefined) {
      segments.push({ type });
      continue;
    }
    list.forEach((filter, i) => segments.push({ type, filter, ...(i > 0 ? { earlierFilters: list.slice(0, i) } : {}) }));
  }
  return segments;
}

function requestUrl(req: FhirRequest): string {
  const query = new URLSearchParams(req.query.map(([k, v]): [string, string] => [k, v])).toString();
  const path = req.path.map((segment) => encodeURIComponent(segment).replace(/^%24/, '$')).join('/');
  return `${req.context.baseUrl}/${path}${query === '' ? '' : `?${query}`}`;
}

/** [base]/$export, [base]/Patient/$export, [base]/Group/[id]/$export (GET or POST). */
export async function exportKickOff(deps: CoreDeps, req: FhirRequest, type: string | undefined, id: string | undefined, body: unknown): Promise<InteractionResult> {
  const bulk = bulkExportOf(deps);
  const ctx = req.context;
  const level = levelOf(type, id);
  const prefer = preferTokens(req);
  // export.html#headers: "Prefer: respond-async" is required.
  if (!prefer.has('respond-async')) throw new FhirError('INVALID_REQUEST', '$export runs asynchronously: send the header Prefer: respond-async');
  const params = parseExportParameters(req.method === 'POST' ? 'POST' : 'GET', req.query, body, prefer.get('handling') === 'lenient', deps.registry);
  let patients = params.patients;
  if (level === 'system') {
    if (!maySystemExport(ctx.principal, bulk.settings.systemExportGroups)) {
      throw new FhirError('FORBIDDEN', 'A system-level export needs a group allowed to export everything (or a SMART system/ scope)');
    }
    if (patients !== undefined) throw new FhirError('INVALID_REQUEST', 'The patient parameter applies to Patient and Group exports', { expression: ['patient'] });
  } else {
    deps.access.assertAllowed(ctx, 'search-type', 'Patient');
  }
  if (level === 'group' && id !== undefined) {
    const group = (await read(deps, ctx, 'Group', id)).resource;
    const members = group ? groupMemberPatients(group) : [];
    patients = patients === undefined ? members : patients.filter((p) => members.includes(p));
  }
  const types = exportedTypes(deps, req, level, params);
  // The mark first: every resource it covers was committed before transactionTime.
  const snapshot = await bulk.source.mark(ctx.tenant);
  const now = deps.clock().toISOString();
  const job: ExportJob = {
    id: deps.newId(),
    tenant: ctx.tenant,
    principal: ctx.principal,
    baseUrl: ctx.baseUrl,
    level,
    request: requestUrl(req),
    transactionTime: now,
    snapshot,
    ...(params.since !== undefined ? { since: params.since } : {}),
    segments: segmentsOf(types, params.typeFilters),
    ...(patients !== undefined ? { patients } : {}),
    status: 'accepted',
    checkpoint: { segment: 0, fileNumber: 1 },
    output: [],
    issues: params.warnings.map((w) => ({ severity: w.severity === 'fatal' ? 'error' : w.severity, code: w.code, diagnostics: w.diagnostics ?? '' })),
    createdAt: now,
  };
  const created = await bulk.jobs.create(job, { perCaller: bulk.settings.maxJobsPerCaller, perTenant: bulk.settings.maxJobsPerTenant });
  if (created !== 'created') {
    const who = created === 'caller-limit' ? `You already have ${bulk.settings.maxJobsPerCaller}` : `This tenant already has ${bulk.settings.maxJobsPerTenant}`;
    throw new FhirError('TOO_MANY_REQUESTS', `${who} export jobs running; wait for one to end or cancel it`, { headers: { 'retry-after': String(Math.max(bulk.settings.retryAfterSeconds, 10)) } });
  }
  await bulk.runner.schedule(job);
  const outcome: OperationOutcome = {
    resourceType: 'OperationOutcome',
    issue: [{ severity: 'information', code: 'informational', diagnostics: `Export job ${job.id} accepted; poll ${statusUrl(job)}` }, ...params.warnings],
  };
  return { status: 202, location: statusUrl(job), resource: outcome };
}
