// Create and edit: the JSON is sent as is; the server's OperationOutcome issues are shown at the
// lines of the elements their `expression` names (operationoutcome.html: issue.expression).
import { fhir, fhirBase, FhirCallError, type Resource } from './api';
import { h, render } from './dom';
import { jsonLines, jsonView, lineOfExpression, lineText } from './json-view';
import { loadSession } from './session';

export async function editPage(main: HTMLElement, type: string, id: string | undefined): Promise<void> {
  const base = fhirBase(loadSession()?.tenant);
  const current: Resource = id === undefined ? { resourceType: type } : await fhir(`${base}/${type}/${encodeURIComponent(id)}`);
  const editor = h('textarea', { id: 'editor', class: 'editor', rows: 18, spellcheck: false, 'aria-label': `${type} JSON` });
  editor.value = jsonLines(current).map(lineText).join('\n');
  const problems = h('section', { class: 'problems', 'aria-live': 'assertive' });
  const save = h('button', { type: 'submit' }, id === undefined ? 'Create' : 'Save');
  const form = h('form', { class: 'edit' }, editor, h('div', { class: 'actions' }, save, ' ', h('a', { class: 'button', href: id === undefined ? `#/${type}` : `#/${type}/${id}` }, 'Cancel')));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    let body: Resource;
    try {
      body = JSON.parse(editor.value) as Resource;
    } catch (error) {
      render(problems, h('h2', {}, 'Problems'), h('p', { class: 'error', role: 'alert' }, `Not valid JSON: ${error instanceof Error ? error.message : String(error)}`));
      return;
    }
    const request = id === undefined ? fhir(`${base}/${type}`, { method: 'POST', body }) : fhir(`${base}/${type}/${encodeURIComponent(id)}`, { method: 'PUT', body, headers: current.meta?.versionId === undefined ? {} : { 'if-match': `W/"${current.meta.versionId}"` } });
    request
      .then((saved) => { location.hash = `#/${saved.resourceType}/${saved.id ?? ''}`; })
      .catch((error: unknown) => showProblems(problems, editor, body, error));
  });
  render(main, h('h1', {}, id === undefined ? `New ${type}` : `Edit ${type}/${id}`), problems, form);
  editor.focus();
}

function showProblems(section: HTMLElement, editor: HTMLTextAreaElement, sent: Resource, error: unknown): void {
  if (!(error instanceof FhirCallError)) {
    render(section, h('p', { class: 'error', role: 'alert' }, String(error)));
    return;
  }
  // Re-indent what was sent so the editor's lines and the annotated view's lines agree.
  const lines = jsonLines(sent);
  editor.value = lines.map(lineText).join('\n');
  const notes = new Map<number, string[]>();
  const unplaced: string[] = [];
  for (const issue of error.issues) {
    const text = `${issue.severity ?? 'error'}: ${issue.diagnostics ?? issue.details?.text ?? issue.code ?? ''}`;
    const expressions = issue.expression ?? [];
    if (expressions.length === 0) unplaced.push(text);
    for (const expression of expressions) {
      const index = lineOfExpression(lines, expression);
      notes.set(index, [...(notes.get(index) ?? []), `${text} (${expression})`]);
    }
  }
  const first = Math.min(...notes.keys());
  if (Number.isFinite(first)) {
    // Select the offending line in the editor, so the keyboard user lands on it.
    const start = editor.value.split('\n').slice(0, first).join('\n').length + (first > 0 ? 1 : 0);
    editor.setSelectionRange(start, start + lineText(lines[first] ?? { path: '', indent: 0, text: '' }).length);
  }
  const all = [...unplaced, ...[...notes.values()].flat()];
  render(section, h('h2', {}, `The server refused it (HTTP ${error.status})`), h('ul', { class: 'error' }, all.map((text) => h('li', {}, text))), notes.size > 0 ? h('details', { open: true }, h('summary', {}, 'Where'), jsonView(lines, notes)) : null);
  section.querySelector('.error-line')?.scrollIntoView({ block: 'center' });
  editor.focus({ preventScroll: true });
}
