// The Bulk Data client of the console (Bulk Data Access IG v2.0.0, export.html): kick-off with
// `Prefer: respond-async`, the status URL polled for 202 + X-Progress or 200 + manifest, DELETE to
// cancel, and output files fetched with the bearer token (the manifest's requiresAccessToken).
// Jobs started in this browser are remembered in localStorage, so they survive a reload.
import { FhirCallError, type Issue } from './api';
import { authorizationHeader } from './session';

const KEY = 'fhir-export-jobs';

export interface StartedJob {
  /** The Content-Location of the kick-off answer. */
  readonly statusUrl: string;
  /** What was asked, e.g. `Patient/$export?_type=Observation`. */
  readonly request: string;
  readonly startedAt: string;
}

export interface ManifestFile {
  readonly type: string;
  readonly url: string;
  readonly count?: number;
}

export interface Manifest {
  readonly transactionTime: string;
  readonly request: string;
  readonly requiresAccessToken: boolean;
  readonly output: readonly ManifestFile[];
  readonly error: readonly ManifestFile[];
}

export type JobStatus =
  | { readonly kind: 'running'; readonly progress: string; readonly retryAfterSeconds: number }
  | { readonly kind: 'complete'; readonly manifest: Manifest }
  | { readonly kind: 'gone' }
  | { readonly kind: 'failed'; readonly message: string };

export function startedJobs(): StartedJob[] {
  try {
    const parsed = JSON.parse(localStorage.getItem(KEY) ?? '[]') as unknown;
    return Array.isArray(parsed) ? (parsed as StartedJob[]).filter((job) => typeof job.statusUrl === 'string') : [];
  } catch {
    return [];
  }
}

export function forgetJob(statusUrl: string): void {
  localStorage.setItem(KEY, JSON.stringify(startedJobs().filter((job) => job.statusUrl !== statusUrl)));
}

async function outcomeError(response: Response): Promise<FhirCallError> {
  const text = await response.text();
  let issues: Issue[] = [];
  try {
    const parsed = JSON.parse(text) as { resourceType?: string; issue?: Issue[] };
    if (parsed.resourceType === 'OperationOutcome') issues = parsed.issue ?? [];
  } catch {
    // Not JSON: the status line says enough.
  }
  const first = issues[0];
  return new FhirCallError(response.status, issues, `${response.status}: ${first?.diagnostics ?? first?.details?.text ?? response.statusText}`);
}

/** GET [base](/Patient)/$export?...; answers the job (also remembered), or throws the OperationOutcome. */
export async function kickOff(base: string, path: string, query: URLSearchParams): Promise<StartedJob> {
  const search = query.toString();
  const request = `${path}${search === '' ? '' : `?${search}`}`;
  const response = await fetch(`${base}/${request}`, { headers: { accept: 'application/fhir+json', prefer: 'respond-async', ...authorizationHeader() } });
  const location = response.headers.get('content-location');
  if (response.status !== 202 || location === null) throw await outcomeError(response);
  const job: StartedJob = { statusUrl: location, request, startedAt: new Date().toISOString() };
  localStorage.setItem(KEY, JSON.stringify([job, ...startedJobs()]));
  return job;
}

export async function jobStatus(job: StartedJob): Promise<JobStatus> {
  const response = await fetch(job.statusUrl, { headers: { accept: 'application/json', ...authorizationHeader() } });
  if (response.status === 202) {
    const retryAfter = Number(response.headers.get('retry-after'));
    return { kind: 'running', progress: response.headers.get('x-progress') ?? 'in progress', retryAfterSeconds: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : 2 };
  }
  if (response.status === 200) return { kind: 'complete', manifest: (await response.json()) as Manifest };
  if (response.status === 404) return { kind: 'gone' };
  return { kind: 'failed', message: (await outcomeError(response)).message };
}

/** DELETE on the status URL (export.html#bulk-data-delete-request): the server answers 202 and deletes the files. */
export async function cancelJob(job: StartedJob): Promise<void> {
  const response = await fetch(job.statusUrl, { method: 'DELETE', headers: authorizationHeader() });
  if (response.status !== 202 && response.status !== 404) throw await outcomeError(response);
  forgetJob(job.statusUrl);
}

/** Downloads an output file: fetched with the token, saved through a temporary object URL. */
export async function downloadFile(file: ManifestFile): Promise<void> {
  const response = await fetch(file.url, { headers: authorizationHeader() });
  if (!response.ok) throw await outcomeError(response);
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = file.url.slice(file.url.lastIndexOf('/') + 1) || `${file.type}.ndjson`;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
