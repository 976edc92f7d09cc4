// Issue 15, in Chromium against the real local server: sign in and search by keyboard alone,
// page through a searchset by its next/previous links, create a resource from the new-resource
// form (201, then it shows), delete one after a confirmation (then it reads as gone, 410).
// Screenshots of every page land in test/browser/artifacts/.
import type { Page } from 'puppeteer-core';
import { describeWithChromium } from './chromium';
import { openConsoleBrowser, type ConsoleBrowser } from './console-browser';

/** A short description of the focused element, e.g. `input#sp-family` or `a[rel=next]`. */
function focused(page: Page): Promise<string> {
  return page.evaluate(() => {
    const element = document.activeElement;
    if (element === null) return '';
    const rel = element.getAttribute('rel');
    return `${element.tagName.toLowerCase()}${element.id === '' ? '' : `#${element.id}`}${rel === null ? '' : `[rel=${rel}]`}${element.tagName === 'BUTTON' || element.tagName === 'A' ? `:${element.textContent ?? ''}` : ''}`;
  });
}

/** Presses Tab until `want` has focus (at most `limit` times); answers the elements passed on the way. */
async function tabTo(page: Page, want: string, limit = 60): Promise<string[]> {
  const passed: string[] = [];
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press('Tab');
    const now = await focused(page);
    passed.push(now);
    if (now === want) return passed;
  }
  throw new Error(`${limit} presses of Tab never reached ${want}; focus went through ${passed.join(' > ')}`);
}

/** Answers the next confirm() of the page; resolves to its message. */
function answerNextDialog(page: Page, accept: boolean): Promise<string> {
  return new Promise((resolve) => {
    page.once('dialog', (dialog) => {
      void (accept ? dialog.accept() : dialog.dismiss()).then(() => resolve(dialog.message()));
    });
  });
}

/** Waits for a results page other than `before` (the table is replaced while a page loads). */
async function pageAfter(page: Page, before: readonly string[]): Promise<void> {
  await page.waitForFunction((first: string) => {
    const link = document.querySelector('table.results tbody tr a');
    return link !== null && link.textContent !== first;
  }, {}, before[0] ?? '');
}

const rowIds = (page: Page): Promise<string[]> => page.$$eval('table.results tbody tr td:first-child a', (links) => links.map((link) => link.textContent ?? ''));

describeWithChromium('web console in Chromium: keyboard, paging, create, delete', (executablePath) => {
  jest.setTimeout(240_000);
  let session: ConsoleBrowser;
  let page: Page;
  let origin: string;
  const pagedIds: string[] = [];

  beforeAll(async () => {
    session = await openConsoleBrowser(executablePath);
    ({ page, origin } = session);
    for (const given of ['Ana', 'Bea', 'Cid', 'Dora', 'Eloy']) {
      const created = await session.fhir('/Patient', { method: 'POST', body: { resourceType: 'Patient', name: [{ family: 'Pagina', given: [given] }] } });
      pagedIds.push(`Patient/${String(created['id'])}`);
    }
  });

  afterAll(async () => {
    await session?.close();
  });

  afterEach(() => {
    expect(session.problems()).toEqual([]);
  });

  test('sign in with the keyboard alone: the group has focus, Tab reaches the button, Enter signs in', async () => {
    await page.goto(`${origin}/`, { waitUntil: 'load' });
    await page.waitForSelector('form.sign-in select#group');
    expect(await focused(page)).toBe('select#group');
    await page.keyboard.press('ArrowDown');
    expect(await page.$eval('select#group', (select) => (select as HTMLSelectElement).value)).not.toBe('practitioner');
    await page.keyboard.press('ArrowUp');
    expect(await page.$eval('select#group', (select) => (select as HTMLSelectElement).value)).toBe('practitioner');
    await tabTo(page, 'button:Get a dev token', 3);
    await page.keyboard.press('Enter');
    await page.waitForSelector('tr[data-type="Patient"]');
    expect(await page.$eval('#session', (element) => element.textContent)).toContain('practitioner');
  });

  test('search by keyboard: Tab reaches the fields in order, Enter in a field submits the search', async () => {
    await page.goto(`${origin}/#/Patient`);
    await page.waitForSelector('input#sp-family');
    const passed = await tabTo(page, 'input#sp-family');
    // The page's own controls come first after the header (focus moves to <main> on each page).
    expect(passed[0]).toBe('summary');
    expect(passed.indexOf('input#sp-_content')).toBeLessThan(passed.indexOf('input#sp-family'));
    await page.keyboard.type('Pagina');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => location.hash.includes('family=Pagina'));
    await page.waitForSelector('table.results tbody tr');
    expect((await rowIds(page)).sort()).toEqual([...pagedIds].sort());
    const after = await tabTo(page, 'button:Search');
    expect(after).toContain('input#sp-_count');
    await tabTo(page, `a:New Patient`, 2);
    // Then the results: every row's link, by keyboard.
    await tabTo(page, `a:${pagedIds[0] ?? ''}`, 10);
    await session.shot('10-search-by-keyboard');
  });

  test('page through the results with the searchset bundle\'s next and previous links', async () => {
    await page.goto(`${origin}/#/Patient?family=Pagina&_count=2`);
    await page.waitForSelector('table.results tbody tr');
    const first = await rowIds(page);
    expect(first).toHaveLength(2);
    expect(await page.$('nav.paging a[rel=previous]')).toBeNull();
    expect(await page.$eval('p.status', (status) => status.textContent)).toBe('5 found, 2 shown');
    await session.shot('11-paging-1');
    await page.click('nav.paging a[rel=next]');
    await pageAfter(page, first);
    const second = await rowIds(page);
    await session.shot('12-paging-2');
    // The third page by keyboard: Tab to Next, Enter follows it.
    await page.focus('table.results tbody tr:last-child a');
    await tabTo(page, 'a[rel=next]:Next', 4);
    await page.keyboard.press('Enter');
    await pageAfter(page, second);
    const third = await rowIds(page);
    expect(third).toHaveLength(1);
    expect(await page.$('nav.paging a[rel=next]')).toBeNull();
    await session.shot('13-paging-3');
    expect([...first, ...second, ...third].sort()).toEqual([...pagedIds].sort());
    await page.click('nav.paging a[rel=previous]');
    await pageAfter(page, third);
    expect(await rowIds(page)).toEqual(second);
  });

  test('create a resource from the new-resource form: the server answers 201 and the console shows it', async () => {
    await page.goto(`${origin}/#/Patient`);
    await page.click('a.button[href="#/Patient/_new"]');
    await page.waitForSelector('textarea#editor');
    expect(await focused(page)).toBe('textarea#editor');
    await session.shot('14-create-form');
    await page.$eval('textarea#editor', (editor) => {
      (editor as HTMLTextAreaElement).value = JSON.stringify({ resourceType: 'Patient', name: [{ family: 'Recién', given: ['Creada'] }], birthDate: '2001-02-03' }, null, 2);
    });
    const created = page.waitForResponse((response) => response.request().method() === 'POST' && new URL(response.url()).pathname.endsWith('/Patient'));
    await page.click('form.edit button[type=submit]');
    const response = await created;
    expect(response.status()).toBe(201);
    const id = String(((await response.json()) as { id?: string }).id);
    await page.waitForFunction((want: string) => document.querySelector('h1')?.textContent === want, {}, `Patient/${id}`);
    expect(await page.$eval('pre.json', (json) => json.textContent ?? '')).toContain('"family": "Recién"');
    expect(await page.$eval('.history h2', (heading) => heading.textContent)).toBe('History (1 version)');
    await session.shot('15-created', true);
    // And the server keeps it: a search finds it.
    const found = await session.fhir('/Patient?family=Reci%C3%A9n');
    expect(found['total']).toBe(1);
  });

  test('a token the server no longer accepts sends the user back to sign in, saying why', async () => {
    await page.goto(`${origin}/#/`, { waitUntil: 'load' });
    const signedIn = await page.evaluate(() => localStorage.getItem('fhir-session'));
    // The console thinks the session lasts; the server's clock says the token expired a minute ago.
    const expired = session.server.running.app.devIssuer?.mint({ groups: ['practitioner'], expiresInSeconds: -60 }) ?? '';
    try {
      await page.evaluate((token) => localStorage.setItem('fhir-session', JSON.stringify({ token, label: 'stale', expiresAt: Date.now() + 3600_000 })), expired);
      await page.goto(`${origin}/#/Patient?family=Pagina`);
      await page.waitForSelector('form.sign-in');
      expect(await page.$eval('form.sign-in p.error', (error) => error.textContent)).toMatch(/^The server no longer accepts your sign-in \(401: .+\); sign in again\.$/);
      expect(await page.evaluate(() => localStorage.getItem('fhir-session'))).toBeNull();
      await session.shot('18-session-refused');
    } finally {
      await page.evaluate((saved) => localStorage.setItem('fhir-session', saved ?? ''), signedIn);
    }
  });

  test('delete asks first: dismissing keeps the resource, confirming deletes it and it then reads as gone', async () => {
    const [target = ''] = pagedIds;
    await page.goto(`${origin}/#/${target}`);
    await page.waitForSelector('button.danger');
    await session.shot('16-before-delete', true);
    // By keyboard: focus the Delete button and press Enter; the confirmation is dismissed.
    await page.focus('a.button[href$="/edit"]');
    await tabTo(page, 'button:Delete', 2);
    const dismissed = answerNextDialog(page, false);
    await page.keyboard.press('Enter');
    expect(await dismissed).toBe(`Delete ${target}?`);
    expect((await session.server.request(`/${target}`, { headers: { authorization: `Bearer ${session.token}` } })).status).toBe(200);
    expect(await page.$('p.gone')).toBeNull();
    const accepted = answerNextDialog(page, true);
    const deleted = page.waitForResponse((response) => response.request().method() === 'DELETE');
    await page.click('button.danger');
    expect(await accepted).toBe(`Delete ${target}?`);
    expect((await deleted).status()).toBeLessThan(300);
    await page.waitForSelector('p.gone');
    expect(await page.$eval('p.gone', (gone) => gone.textContent)).toBe(`${target} has been deleted (HTTP 410 Gone).`);
    await session.shot('17-deleted');
    expect((await session.server.request(`/${target}`, { headers: { authorization: `Bearer ${session.token}` } })).status).toBe(410);
    // Opening it afresh says the same; a search no longer lists it.
    await page.goto(`${origin}/#/Patient?family=Pagina`);
    await page.waitForSelector('table.results tbody tr');
    expect(await rowIds(page)).not.toContain(target);
    expect(await rowIds(page)).toHaveLength(4);
  });
});
