// Issue 15, in a real browser (Debian chromium through puppeteer-core) against the real local
// server: sign in, search, open a resource, edit it and see a validation error at the offending
// element, see a change arrive live, run a GraphQL query in the IDE; nothing leaves 127.0.0.1
// and the strict CSP reports no violation. Screenshots land in test/browser/artifacts/.
import type { Page } from 'puppeteer-core';
import { describeWithChromium } from './chromium';
import { openConsoleBrowser, type ConsoleBrowser } from './console-browser';

describeWithChromium('web console and GraphQL IDE in Chromium', (executablePath) => {
  // Generous: GraphiQL is 1.4 MB of script and the shared machine may be busy.
  jest.setTimeout(240_000);
  let session: ConsoleBrowser;
  let page: Page;
  let origin: string;
  let patientId: string;
  const fhir = (path: string, init: { method?: string; body?: unknown } = {}): Promise<Record<string, unknown>> => session.fhir(path, init);
  const shot = (name: string, fullPage = false): Promise<unknown> => session.shot(name, fullPage);

  beforeAll(async () => {
    session = await openConsoleBrowser(executablePath);
    ({ page, origin } = session);
    const organization = await fhir('/Organization', { method: 'POST', body: { resourceType: 'Organization', name: 'Riverside Clinic' } });
    const patient = await fhir('/Patient', { method: 'POST', body: { resourceType: 'Patient', name: [{ family: 'Quixote', given: ['Alonso'] }], birthDate: '1947-03-01', managingOrganization: { reference: `Organization/${String(organization['id'])}` } } });
    patientId = String(patient['id']);
    await fhir(`/Patient/${patientId}`, { method: 'PUT', body: { ...patient, gender: 'male' } });
  });

  afterAll(async () => {
    await session?.close();
  });

  afterEach(() => {
    expect(session.problems()).toEqual([]);
  });

  test('sign in as a practitioner with a dev token and see the resource types with counts', async () => {
    await page.goto(`${origin}/`, { waitUntil: 'load' });
    await page.waitForSelector('form.sign-in select#group');
    await shot('01-sign-in');
    await page.select('select#group', 'practitioner');
    await page.click('form.sign-in button[type=submit]');
    await page.waitForSelector('tr[data-type="Patient"]');
    await page.waitForFunction(() => document.querySelector('tr[data-type="Patient"] td.count')?.textContent === '1');
    await page.waitForFunction(() => [...document.querySelectorAll('td.count')].every((cell) => cell.textContent !== '…'));
    await shot('02-resource-types');
    // Only the types that hold something, at a glance.
    await page.click('input#non-empty');
    const shown = await page.$$eval('table.types tbody tr', (rows) => rows.filter((row) => !(row as HTMLElement).hidden).map((row) => (row as HTMLElement).dataset['type']));
    expect(shown).toEqual(['Organization', 'Patient']);
    await shot('02b-resource-types-non-empty');
    await page.click('input#non-empty');
    expect(await page.$eval('#session', (element) => element.textContent)).toContain('practitioner');
  });

  test('search Patient by family through the form built from the CapabilityStatement', async () => {
    await page.goto(`${origin}/#/Patient`);
    await page.waitForSelector('input#sp-family');
    await page.type('input#sp-family', 'Quixote');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => location.hash.includes('family=Quixote'));
    await page.waitForSelector('table.results tbody tr');
    const rows = await page.$$eval('table.results tbody tr', (trs) => trs.map((tr) => tr.textContent ?? ''));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toContain('Alonso Quixote');
    await shot('03-search');
  });

  test('open the resource: JSON with references as links and a diff between its two versions', async () => {
    await page.click(`a[href="#/Patient/${patientId}"]`);
    await page.waitForSelector('pre.json a[href^="#/Organization/"]');
    await page.waitForSelector('pre.diff .added');
    const added = await page.$$eval('pre.diff .added', (lines) => lines.map((line) => line.textContent ?? ''));
    expect(added.join('\n')).toContain('"gender": "male"');
    await shot('04-resource', true);
  });

  test('edit the resource with a bad birthDate and see the server error at that element', async () => {
    await page.click('a.button[href$="/edit"]');
    await page.waitForSelector('textarea#editor');
    await page.$eval('textarea#editor', (editor) => {
      const area = editor as HTMLTextAreaElement;
      area.value = area.value.replace('"1947-03-01"', '"1947-13-45"');
    });
    await page.click('form.edit button[type=submit]');
    await page.waitForSelector('.error-line .error-note');
    const marked = await page.$eval('.error-line', (line) => ({ path: (line as HTMLElement).dataset['path'], text: line.textContent ?? '' }));
    expect(marked.path).toBe('Patient.birthDate');
    expect(marked.text).toContain('1947-13-45');
    await shot('05-edit-validation-error');
  });

  test('a change committed elsewhere arrives live through the GraphQL subscription', async () => {
    await page.goto(`${origin}/#/live`);
    await page.waitForFunction(() => document.querySelector('p.status')?.textContent === 'Listening for changes.');
    const created = await fhir('/Patient', { method: 'POST', body: { resourceType: 'Patient', name: [{ family: 'Panza' }] } });
    await page.waitForSelector(`tr.change a[href="#/Patient/${String(created['id'])}"]`);
    expect(await page.$eval('tr.change', (row) => row.textContent ?? '')).toContain('create');
    await shot('06-live');
  });

  test('run a GraphQL query in the bundled IDE with the console token applied', async () => {
    await page.goto(`${origin}/graphql`, { waitUntil: 'load' });
    await page.waitForSelector('.graphiql-container .graphiql-execute-button');
    await page.click('.graphiql-execute-button');
    await page.waitForFunction(() => (document.querySelector('.graphiql-response')?.textContent ?? '').includes('Quixote'));
    await shot('07-graphiql-result');
    await page.click('[aria-label="Show Documentation Explorer"]');
    await page.waitForFunction(() => (document.querySelector('.graphiql-doc-explorer')?.textContent ?? '').includes('Root Types'));
    await page.click('.graphiql-doc-explorer a.graphiql-doc-explorer-type-name');
    await page.waitForFunction(() => (document.querySelector('.graphiql-doc-explorer')?.textContent ?? '').includes('PatientList'));
    await shot('08-graphiql-docs');
  });
});
