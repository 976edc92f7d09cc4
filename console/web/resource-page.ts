// One resource: narrative, JSON with references as links, delete, and its history with a diff
// between any two versions.
import { fhir, fhirBase, FhirCallError, type Bundle, type Resource } from './api';
import { diffLines } from './diff';
import { h, render } from './dom';
import { jsonLines, jsonView, lineText } from './json-view';
import { loadSession } from './session';

export async function resourcePage(main: HTMLElement, type: string, id: string): Promise<void> {
  const base = fhirBase(loadSession()?.tenant);
  const url = `${base}/${type}/${encodeURIComponent(id)}`;
  let resource: Resource;
  try {
    resource = await fhir(url);
  } catch (error) {
    if (!(error instanceof FhirCallError) || (error.status !== 410 && error.status !== 404)) throw error;
    // http.html#read: 410 Gone for a deleted resource, 404 for one never known.
    render(main, h('h1', {}, `${type}/${id}`),
      h('p', { class: 'gone', role: 'status' }, error.status === 410 ? `${type}/${id} has been deleted (HTTP 410 Gone).` : `There is no ${type}/${id} (HTTP 404 Not Found).`),
      h('div', { class: 'actions' }, h('a', { class: 'button', href: `#/${type}` }, `Search ${type}`)));
    return;
  }
  const narrative = (resource['text'] as { div?: string } | undefined)?.div;
  const remove = h('button', { type: 'button', class: 'danger' }, 'Delete');
  const message = h('p', { class: 'status', role: 'status' });
  remove.addEventListener('click', () => {
    if (!confirm(`Delete ${type}/${id}?`)) return;
    // Shown again after the delete, the page reads the resource anew and says it is gone.
    fhir(url, { method: 'DELETE' })
      .then(() => resourcePage(main, type, id))
      .catch((error: unknown) => { message.textContent = error instanceof Error ? error.message : String(error); });
  });
  const history = h('section', { class: 'history' }, h('h2', {}, 'History'), h('p', { class: 'status' }, 'Loading…'));
  render(main,
    h('h1', {}, `${type}/${id}`),
    h('p', { class: 'meta' }, `version ${resource.meta?.versionId ?? '?'}, last updated ${resource.meta?.lastUpdated ?? '?'}`),
    h('div', { class: 'actions' }, h('a', { class: 'button', href: `#/${type}/${id}/edit` }, 'Edit'), ' ', remove, ' ', h('a', { class: 'button', href: `#/${type}` }, `Search ${type}`)),
    message,
    // The narrative is XHTML from the server: shown in a sandboxed frame, where it cannot run script.
    narrative === undefined ? null : h('section', {}, h('h2', {}, 'Narrative'), h('iframe', { class: 'narrative', sandbox: '', title: 'Narrative', srcdoc: narrative })),
    h('section', {}, h('h2', {}, 'JSON'), jsonView(jsonLines(resource))),
    history);
  const bundle = await fhir<Bundle>(`${url}/_history`);
  renderHistory(history, (bundle.entry ?? []).map((entry) => entry.resource).filter((version): version is Resource => version !== undefined));
}

function renderHistory(section: HTMLElement, versions: readonly Resource[]): void {
  const label = (version: Resource): string => `version ${version.meta?.versionId ?? '?'} (${version.meta?.lastUpdated ?? ''})`;
  const select = (id: string, selected: number): HTMLSelectElement => h('select', { id }, versions.map((version, index) => h('option', { value: index, selected: index === selected }, label(version))));
  const from = select('diff-from', Math.min(1, versions.length - 1));
  const to = select('diff-to', 0);
  const output = h('pre', { class: 'json diff' });
  const show = (): void => {
    const before = jsonLines(versions[Number(from.value)] ?? {}).map(lineText);
    const after = jsonLines(versions[Number(to.value)] ?? {}).map(lineText);
    render(output, diffLines(before, after).map((line) => h('div', { class: `line ${line.kind}` }, `${line.kind === 'added' ? '+ ' : line.kind === 'removed' ? '- ' : '  '}${line.text}`)));
  };
  from.addEventListener('change', show);
  to.addEventListener('change', show);
  render(section, h('h2', {}, `History (${versions.length} ${versions.length === 1 ? 'version' : 'versions'})`),
    h('ul', {}, versions.map((version) => h('li', {}, label(version)))),
    versions.length > 1 ? [h('label', { class: 'field inline' }, h('span', {}, 'Diff from'), from), h('label', { class: 'field inline' }, h('span', {}, 'to'), to), output] : null);
  if (versions.length > 1) show();
}
