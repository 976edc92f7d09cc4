// Issue 15, "on AWS, Cognito sign-in", in Chromium: the console as the CDK app deploys it (the
// same index.html, graphql.html, bundles and console-config.json, under the same CSP) signs in
// through Cognito's hosted UI with the authorization code grant and PKCE S256, keeps the ID
// token, and sends it to REST and to GraphQL. The hosted UI is a local stand-in
// (fake-hosted-ui.ts; the managed login cannot run here); the FHIR server is the real local one,
// which verifies the Cognito-shaped token the stand-in hands out.
import { createHash } from 'node:crypto';
import type { Page } from 'puppeteer-core';
import { describeWithChromium } from './chromium';
import { openConsoleBrowser, type ConsoleBrowser } from './console-browser';
import { startFakeHostedUi, type FakeHostedUi } from './fake-hosted-ui';
import { startStaticConsoleSite, type StaticConsoleSite } from './static-console-site';

const CLIENT_ID = 'console-public-client';

interface Seen {
  readonly url: string;
  readonly authorization: string | undefined;
}

describeWithChromium('web console on AWS in Chromium: Cognito hosted sign-in (code + PKCE)', (executablePath) => {
  jest.setTimeout(240_000);
  let session: ConsoleBrowser;
  let page: Page;
  let hostedUi: FakeHostedUi;
  let site: StaticConsoleSite;
  const toServer: Seen[] = [];
  const storedToken = (): Promise<string | undefined> => page.evaluate(() => (JSON.parse(localStorage.getItem('fhir-session') ?? '{}') as { token?: string }).token);

  beforeAll(async () => {
    session = await openConsoleBrowser(executablePath);
    page = session.page;
    await session.fhir('/Patient', { method: 'POST', body: { resourceType: 'Patient', name: [{ family: 'Hospedada', given: ['Ana'] }] } });
    const issuer = session.server.running.app.devIssuer;
    hostedUi = await startFakeHostedUi({ clientId: CLIENT_ID, redirectUri: () => `${site.origin}/`, mint: () => issuer?.mint({ subject: 'ana', groups: ['practitioner'] }) ?? '' });
    site = await startStaticConsoleSite({
      restApiUrl: session.server.base,
      graphqlUrl: `${session.origin}/graphql`,
      connectSources: [session.origin, hostedUi.origin],
      hostedSignIn: (origin) => ({ domain: hostedUi.origin, clientId: CLIENT_ID, redirectUri: `${origin}/`, logoutUri: `${origin}/` }),
    });
    page.on('request', (request) => {
      if (request.url().startsWith(session.origin) && request.method() !== 'OPTIONS') toServer.push({ url: request.url(), authorization: request.headers()['authorization'] });
    });
  });

  afterAll(async () => {
    await session?.close();
    await site?.close();
    await hostedUi?.close();
  });

  afterEach(() => {
    expect(session.problems()).toEqual([]);
  });

  test('signs in through the hosted UI with the authorization code grant and an S256 code challenge', async () => {
    await page.goto(`${site.origin}/`, { waitUntil: 'load' });
    await page.waitForSelector('button#hosted-sign-in');
    await session.shot('30-hosted-sign-in');
    await page.click('button#hosted-sign-in');
    await page.waitForSelector('tr[data-type="Patient"]');
    expect(hostedUi.authorizeRequests).toHaveLength(1);
    const asked = hostedUi.authorizeRequests[0]?.query ?? {};
    expect(asked).toMatchObject({ response_type: 'code', client_id: CLIENT_ID, redirect_uri: `${site.origin}/`, scope: 'openid email profile', code_challenge_method: 'S256' });
    expect(asked['state']?.length).toBeGreaterThanOrEqual(16);
    // The code went back to the console, which exchanged it with the verifier behind the challenge.
    expect(hostedUi.tokenExchanges.map((exchange) => exchange.status)).toEqual([200]);
    const form = hostedUi.tokenExchanges[0]?.form ?? {};
    expect(form).toMatchObject({ grant_type: 'authorization_code', client_id: CLIENT_ID, redirect_uri: `${site.origin}/` });
    expect(form['code_verifier']?.length).toBeGreaterThanOrEqual(43);
    expect(createHash('sha256').update(form['code_verifier'] ?? '').digest('base64url')).toBe(asked['code_challenge']);
    // The code is out of the address bar; the ID token is the console's session.
    expect(new URL(page.url()).search).toBe('');
    expect(await storedToken()).toBe(hostedUi.issued[0]);
  });

  test('REST calls carry the ID token and the server accepts it', async () => {
    await page.waitForFunction(() => document.querySelector('tr[data-type="Patient"] td.count')?.textContent === '1');
    const rest = toServer.filter((seen) => new URL(seen.url).pathname.startsWith('/fhir/'));
    expect(rest.length).toBeGreaterThan(1);
    for (const seen of rest) expect(seen.authorization).toBe(`Bearer ${hostedUi.issued[0] ?? ''}`);
    await page.goto(`${site.origin}/#/Patient?family=Hospedada`);
    await page.waitForSelector('table.results tbody tr');
    expect(await page.$eval('table.results tbody', (body) => body.textContent ?? '')).toContain('Ana Hospedada');
    await session.shot('31-hosted-signed-in');
  });

  test('the GraphQL IDE sends the same token (bare, as AppSync\'s Cognito authorization takes it)', async () => {
    toServer.splice(0);
    await page.goto(`${site.origin}/graphql.html`, { waitUntil: 'load' });
    await page.waitForSelector('.graphiql-container .graphiql-execute-button');
    await page.click('.graphiql-execute-button');
    await page.waitForFunction(() => (document.querySelector('.graphiql-response')?.textContent ?? '').includes('Hospedada'));
    const graphql = toServer.filter((seen) => new URL(seen.url).pathname === '/graphql');
    expect(graphql.length).toBeGreaterThan(0);
    for (const seen of graphql) expect(seen.authorization).toBe(hostedUi.issued[0]);
    await session.shot('32-hosted-graphiql');
  });

  test('signing out ends the Cognito session too (its /logout) and comes back to the sign-in page', async () => {
    await page.goto(`${site.origin}/#/`);
    await page.waitForSelector('#session button.link');
    await page.click('#session button.link');
    await page.waitForSelector('button#hosted-sign-in');
    expect(hostedUi.logouts).toEqual([{ client_id: CLIENT_ID, logout_uri: `${site.origin}/` }]);
    expect(await storedToken()).toBeUndefined();
  });

  test('an answer this tab did not ask for (unknown state) is refused without a token exchange', async () => {
    await page.goto(`${site.origin}/?code=forged-code&state=not-ours`, { waitUntil: 'load' });
    await page.waitForFunction(() => (document.querySelector('p.error')?.textContent ?? '').includes('state mismatch'));
    expect(hostedUi.tokenExchanges).toHaveLength(1);
    expect(await storedToken()).toBeUndefined();
    expect(new URL(page.url()).search).toBe('');
    await session.shot('33-hosted-state-mismatch');
  });
});
