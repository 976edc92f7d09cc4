// Runs the conformance corpus through HAPI's validator (the oracle) and through a running home
// (POST [type] and [type]/$validate), and pairs the verdicts case by case.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runHapiHarness, type HapiProblem, type ValidateReport } from '../hapi/hapi-harness';
import type { CorpusCase } from './corpus-cases';

export interface CaseVerdicts {
  readonly case: CorpusCase;
  /** HAPI's errors (error and fatal only). */
  readonly hapiErrors: readonly HapiProblem[];
  /** Status of POST [type]. */
  readonly createStatus: number;
  /** error/fatal issues of [type]/$validate (200 with an OperationOutcome), or the status when it was not 200. */
  readonly validateErrors: readonly string[];
  readonly validateStatus: number;
  /** The server's diagnostics on rejection, for the report. */
  readonly createDiagnostics: string;
}

export async function hapiVerdicts(cases: readonly CorpusCase[]): Promise<Map<string, readonly HapiProblem[]>> {
  const dir = mkdtempSync(join(tmpdir(), 'fhir-corpus-'));
  try {
    for (const c of cases) writeFileSync(join(dir, `${c.name}.json`), JSON.stringify(c.resource, null, 2));
    const report = await runHapiHarness<ValidateReport>(['validate', dir]);
    return new Map(report.results.map((r) => [r.file.replace(/\.json$/, ''), r.errors]));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface Outcome {
  issue?: { severity?: string; diagnostics?: string; expression?: string[] }[];
}

function errorsOf(outcome: Outcome): string[] {
  return (outcome.issue ?? []).filter((i) => i.severity === 'error' || i.severity === 'fatal').map((i) => `${i.expression?.join(',') ?? ''}: ${i.diagnostics ?? ''}`);
}

export async function serverVerdicts(base: string, token: string, c: CorpusCase, hapiErrors: readonly HapiProblem[]): Promise<CaseVerdicts> {
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/fhir+json', accept: 'application/fhir+json' };
  const type = String(c.resource['resourceType']);
  const body = JSON.stringify(c.resource);
  const created = await fetch(`${base}/${type}`, { method: 'POST', headers, body });
  const createdBody = (await created.json().catch(() => ({}))) as Outcome;
  const validated = await fetch(`${base}/${type}/$validate`, { method: 'POST', headers, body });
  const validatedBody = (await validated.json().catch(() => ({}))) as Outcome;
  return {
    case: c,
    hapiErrors,
    createStatus: created.status,
    createDiagnostics: created.status >= 400 ? errorsOf(createdBody).join('; ') : '',
    validateStatus: validated.status,
    validateErrors: validated.status === 200 ? errorsOf(validatedBody) : [`status ${validated.status}`],
  };
}

/** Where the server's verdicts part from HAPI's (empty when they agree). */
export function disagreements(v: CaseVerdicts): string[] {
  const hapiInvalid = v.hapiErrors.length > 0;
  const problems: string[] = [];
  const rejected = v.createStatus >= 400 && v.createStatus < 500;
  if (v.createStatus !== 201 && !rejected) problems.push(`POST answered ${v.createStatus} (expected 201 or 4xx)`);
  if (hapiInvalid && !rejected) problems.push(`POST accepted (${v.createStatus}) what HAPI rejects: ${v.hapiErrors.map((e) => `${e.location}: ${e.message}`).join(' | ')}`);
  if (!hapiInvalid && rejected) problems.push(`POST rejected (${v.createStatus}: ${v.createDiagnostics}) what HAPI accepts`);
  const validateInvalid = v.validateErrors.length > 0;
  if (hapiInvalid !== validateInvalid) problems.push(`$validate says ${validateInvalid ? `invalid (${v.validateErrors.join('; ')})` : 'valid'}, HAPI says ${hapiInvalid ? 'invalid' : 'valid'}`);
  return problems;
}
