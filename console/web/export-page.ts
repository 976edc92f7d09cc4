// Bulk export jobs (issue 15: "bulk export jobs (if present)"): offered when the
// CapabilityStatement advertises $export; start a system or Patient-level export, follow each
// job's progress, download the manifest's files, cancel.
import { FhirCallError, fhirBase } from './api';
import { h, render } from './dom';
import { cancelJob, downloadFile, jobStatus, kickOff, startedJobs, forgetJob, type ManifestFile, type StartedJob } from './export-job';
import { advertisedExports } from './resource-types';
import { loadSession } from './session';

/** Bounds on the wait between polls: the server's Retry-After, within reason for a person watching. */
const MIN_POLL_SECONDS = 1;
const MAX_POLL_SECONDS = 10;

let pageGeneration = 0;

/** Stops polling when the user leaves the page. */
export function stopExportPolling(): void {
  pageGeneration++;
}

function field(label: string, control: HTMLElement, hint: string): HTMLElement {
  return h('label', { class: 'field' }, h('span', {}, label), control, h('small', {}, hint));
}

export async function exportPage(main: HTMLElement): Promise<void> {
  const generation = ++pageGeneration;
  const exports = await advertisedExports();
  const levels = [...(exports.system ? [['', 'System ($export)']] : []), ...(exports.types.includes('Patient') ? [['Patient/', 'Patient ($export of every patient compartment)']] : [])];
  if (levels.length === 0) {
    render(main, h('h1', {}, 'Bulk export'), h('p', {}, 'This server does not advertise $export in its CapabilityStatement.'));
    return;
  }
  const level = h('select', { id: 'export-level' }, levels.map(([value, label]) => h('option', { value }, label)));
  const types = h('input', { id: 'export-type', name: '_type', placeholder: 'every type you may read', size: 40 });
  const since = h('input', { id: 'export-since', name: '_since', placeholder: '2024-01-01T00:00:00Z' });
  const error = h('div', { class: 'error', role: 'alert' });
  const jobs = h('div', { class: 'jobs' });
  const form = h('form', { class: 'export-form' },
    field('Level', level, 'a system export needs a group allowed to run one (practitioner by default)'),
    field('_type', types, 'comma-separated resource types, e.g. Patient,Observation'),
    field('_since', since, 'only resources changed after this instant'),
    error,
    h('button', { type: 'submit' }, 'Start export'));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const query = new URLSearchParams();
    if (types.value.trim() !== '') query.set('_type', types.value.replace(/\s+/g, ''));
    if (since.value.trim() !== '') query.set('_since', since.value.trim());
    render(error);
    kickOff(fhirBase(loadSession()?.tenant), `${level.value}$export`, query)
      .then((job) => {
        jobs.prepend(jobCard(job, generation));
      })
      .catch((failure: unknown) => {
        const where = failure instanceof FhirCallError ? failure.issues.flatMap((issue) => issue.expression ?? []) : [];
        render(error, `The server refused the export: ${failure instanceof Error ? failure.message : String(failure)}`, where.length > 0 ? ` (at ${where.join(', ')})` : '');
      });
  });
  render(main, h('h1', {}, 'Bulk export'),
    h('p', {}, 'Bulk Data exports run in the background; their files are NDJSON, fetched with your token. Jobs you started in this browser are listed below.'),
    form, h('h2', {}, 'Jobs'), jobs);
  for (const job of startedJobs()) jobs.append(jobCard(job, generation));
  level.focus();
}

/** The request as a person reads it (`_type=Patient,Observation`, not `%2C`). */
function readable(request: string): string {
  try {
    return decodeURIComponent(request);
  } catch {
    return request;
  }
}

function jobCard(job: StartedJob, generation: number): HTMLElement {
  const status = h('p', { class: 'progress', role: 'status' }, 'Asking the server…');
  const files = h('div', { class: 'files' });
  const cancel = h('button', { type: 'button', class: 'danger' }, 'Cancel and delete files');
  const card = h('section', { class: 'job', 'data-status-url': job.statusUrl }, h('h3', {}, readable(job.request)), h('p', { class: 'meta' }, `started ${job.startedAt}`), status, files, h('div', { class: 'actions' }, cancel));
  let stopped = false;
  cancel.addEventListener('click', () => {
    cancelJob(job)
      .then(() => {
        stopped = true;
        card.classList.add('ended');
        render(status, 'Cancelled: the server deleted the job and its files.');
        render(files);
        cancel.remove();
      })
      .catch((failure: unknown) => render(status, `Cancel failed: ${failure instanceof Error ? failure.message : String(failure)}`));
  });
  const follow = async (): Promise<void> => {
    if (stopped || generation !== pageGeneration) return;
    const answer = await jobStatus(job);
    if (stopped || generation !== pageGeneration) return;
    if (answer.kind === 'running') {
      render(status, `In progress: ${answer.progress}`);
      setTimeout(() => void follow().catch(showFailure), Math.min(MAX_POLL_SECONDS, Math.max(MIN_POLL_SECONDS, answer.retryAfterSeconds)) * 1000);
    } else if (answer.kind === 'complete') {
      const count = answer.manifest.output.reduce((sum, file) => sum + (file.count ?? 0), 0);
      render(status, `Complete: ${count} resources in ${answer.manifest.output.length} files, as of ${answer.manifest.transactionTime}.`);
      render(files, fileTable('Files', answer.manifest.output), answer.manifest.error.length > 0 ? fileTable('Errors and warnings', answer.manifest.error) : null);
    } else if (answer.kind === 'gone') {
      forgetJob(job.statusUrl);
      render(status, 'This job is gone: it expired or was cancelled.');
      cancel.remove();
    } else {
      render(status, `The export failed: ${answer.message}`);
    }
  };
  const showFailure = (failure: unknown): void => render(status, `Could not ask the server: ${failure instanceof Error ? failure.message : String(failure)}`);
  void follow().catch(showFailure);
  return card;
}

function fileTable(caption: string, files: readonly ManifestFile[]): HTMLElement {
  return h('table', { class: 'results files' }, h('caption', {}, caption),
    h('thead', {}, h('tr', {}, h('th', {}, 'type'), h('th', {}, 'resources'), h('th', {}, 'file'))),
    h('tbody', {}, files.map((file) => {
      const name = file.url.slice(file.url.lastIndexOf('/') + 1);
      const download = h('button', { type: 'button', class: 'link', 'aria-label': `Download ${name}` }, `Download ${name}`);
      const note = h('span', { class: 'muted', role: 'status' });
      download.addEventListener('click', () => {
        downloadFile(file).catch((failure: unknown) => { note.textContent = ` ${failure instanceof Error ? failure.message : String(failure)}`; });
      });
      return h('tr', {}, h('td', {}, file.type), h('td', {}, file.count ?? ''), h('td', {}, download, note));
    })));
}
