// Issue 15, "bulk export jobs (if present)", in Chromium against the real local server: the
// console offers $export because the CapabilityStatement advertises it, starts a Patient-level
// export (202), follows it to its manifest, downloads a file with the token, shows a running
// job's X-Progress and cancels it (DELETE, 202; the job is then gone), and shows a refused
// kick-off at the offending parameter.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { seed } from '../bulk/export-client';
import { describeWithChromium } from './chromium';
import { openConsoleBrowser, signIn, type ConsoleBrowser } from './console-browser';

/** Enough one-resource files that the job is still running when the console first polls it. */
const LARGE = 3000;

describeWithChromium('web console in Chromium: bulk export jobs', (executablePath) => {
  jest.setTimeout(240_000);
  let session: ConsoleBrowser;
  let page: Page;
  let downloads: string;

  const statusOf = (statusUrl: string): Promise<number> => fetch(statusUrl, { headers: { authorization: `Bearer ${session.token}` } }).then((response) => response.status);
  const cardStatus = (statusUrl: string): Promise<string> => page.$eval(`section.job[data-status-url="${statusUrl}"] p.progress`, (status) => status.textContent ?? '');

  async function start(level: string, type: string): Promise<string> {
    await page.select('select#export-level', level);
    await page.$eval('input#export-type', (input, value) => { (input as HTMLInputElement).value = value; }, type);
    const kickOff = page.waitForResponse((response) => new URL(response.url()).pathname.endsWith('$export'));
    await page.click('form.export-form button[type=submit]');
    const response = await kickOff;
    expect(response.status()).toBe(202);
    const statusUrl = response.headers()['content-location'] ?? '';
    await page.waitForSelector(`section.job[data-status-url="${statusUrl}"]`);
    return statusUrl;
  }

  beforeAll(async () => {
    downloads = mkdtempSync(join(tmpdir(), 'console-downloads-'));
    // One resource per file, so a job has many slices and its files are easy to count.
    session = await openConsoleBrowser(executablePath, { env: { FHIR_EXPORT_MAX_RESOURCES_PER_FILE: '1' }, onDisk: true, downloadPath: downloads });
    page = session.page;
    for (const id of ['p1', 'p2', 'p3']) await session.fhir(`/Patient/${id}`, { method: 'PUT', body: { resourceType: 'Patient', id, name: [{ family: `Export-${id}` }] } });
    for (const [id, subject] of [['o1', 'p1'], ['o2', 'p2']] as const) {
      await session.fhir(`/Observation/${id}`, { method: 'PUT', body: { resourceType: 'Observation', id, status: 'final', code: { text: 'pulse' }, subject: { reference: `Patient/${subject}` } } });
    }
    await seed(session.server, Array.from({ length: LARGE }, (_, i) => ({ resourceType: 'Encounter', id: `e${i}`, status: 'finished', class: { code: 'AMB' } })));
  });

  afterAll(async () => {
    await session?.close();
    rmSync(downloads, { recursive: true, force: true });
  });

  afterEach(() => {
    expect(session.problems()).toEqual([]);
  });

  test('the types page links to bulk export because the CapabilityStatement advertises $export', async () => {
    const metadata = await session.fhir('/metadata');
    expect(JSON.stringify(metadata)).toContain('"name":"export"');
    await signIn(session);
    await page.click('a[href="#/export"]');
    await page.waitForSelector('form.export-form select#export-level');
    const levels = await page.$$eval('select#export-level option', (options) => options.map((option) => option.textContent ?? ''));
    expect(levels).toEqual(['System ($export)', 'Patient ($export of every patient compartment)']);
  });

  test('a Patient-level export runs to its manifest, whose files download with the token', async () => {
    const statusUrl = await start('Patient/', 'Patient,Observation');
    await page.waitForFunction((url: string) => (document.querySelector(`section.job[data-status-url="${url}"] p.progress`)?.textContent ?? '').startsWith('Complete'), {}, statusUrl);
    expect(await cardStatus(statusUrl)).toMatch(/^Complete: 5 resources in 5 files, as of \d{4}-/);
    const rows = await page.$$eval(`section.job[data-status-url="${statusUrl}"] table.files tbody tr`, (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].slice(0, 2).map((td) => td.textContent ?? '')));
    expect(rows).toEqual([['Patient', '1'], ['Patient', '1'], ['Patient', '1'], ['Observation', '1'], ['Observation', '1']]);
    await session.shot('20-export-complete', true);
    // The file URL needs the bearer token (requiresAccessToken): without it the server refuses.
    const fileUrl = await page.$eval(`section.job[data-status-url="${statusUrl}"] table.files tbody tr button`, (button) => button.getAttribute('aria-label')?.replace('Download ', '') ?? '');
    await page.click(`section.job[data-status-url="${statusUrl}"] table.files tbody tr button`);
    const saved = join(downloads, fileUrl);
    for (let waited = 0; !existsSync(saved) && waited < 20_000; waited += 100) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(readdirSync(downloads)).toEqual([fileUrl]);
    const lines = readFileSync(saved, 'utf8').split('\n').filter((line) => line !== '');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({ resourceType: 'Patient' });
  });

  test('a running job shows the server\'s X-Progress, and Cancel deletes it (then the job is gone)', async () => {
    const firstPoll = page.waitForResponse((response) => response.url().includes('$export-status') && response.request().method() === 'GET' && response.status() === 202);
    const statusUrl = await start('', 'Encounter');
    const progress = (await firstPoll).headers()['x-progress'] ?? '';
    expect(progress).toMatch(/^exporting Encounter \(1 of 1\); \d+ resources in \d+ files so far$/);
    await page.waitForFunction((url: string) => (document.querySelector(`section.job[data-status-url="${url}"] p.progress`)?.textContent ?? '').startsWith('In progress'), {}, statusUrl);
    expect(await cardStatus(statusUrl)).toMatch(/^In progress: exporting Encounter \(1 of 1\); \d+ resources in \d+ files so far$/);
    await session.shot('21-export-running', true);
    const deleted = page.waitForResponse((response) => response.url() === statusUrl && response.request().method() === 'DELETE');
    await page.click(`section.job[data-status-url="${statusUrl}"] button.danger`);
    expect((await deleted).status()).toBe(202);
    await page.waitForFunction((url: string) => (document.querySelector(`section.job[data-status-url="${url}"] p.progress`)?.textContent ?? '').startsWith('Cancelled'), {}, statusUrl);
    expect(await statusOf(statusUrl)).toBe(404);
    await session.shot('22-export-cancelled', true);
    // After a reload the cancelled job is no longer listed; the finished one still is.
    await page.reload({ waitUntil: 'load' });
    await page.waitForSelector('section.job');
    expect(await page.$$eval('section.job', (cards) => cards.map((card) => card.querySelector('h3')?.textContent))).toEqual(['Patient/$export?_type=Patient,Observation']);
  });

  test('a refused kick-off shows the server\'s error at the offending parameter', async () => {
    await page.select('select#export-level', '');
    await page.$eval('input#export-type', (input) => { (input as HTMLInputElement).value = 'Nope'; });
    await page.click('form.export-form button[type=submit]');
    await page.waitForFunction(() => (document.querySelector('form.export-form .error')?.textContent ?? '') !== '');
    expect(await page.$eval('form.export-form .error', (error) => error.textContent)).toMatch(/^The server refused the export: 400: .*\(at _type\)$/);
    await session.shot('23-export-refused');
  });
});
