// One real local server and one headless Chromium page for a browser suite (issue 15), with the
// guards every suite keeps: no request leaves 127.0.0.1, the strict CSP reports no violation,
// and the page throws no error. Screenshots go to test/browser/artifacts/ (git-ignored).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { attachGraphqlWebSocket, type GraphqlWebSocket } from '../../resolvers/subscriptions/websocket';
import { startTestServer, type TestServer } from '../http/local-server';
import { CHROMIUM_ARGS } from './chromium';

// BROWSER_TEST_TIMEOUT_MS shortens every wait when you debug a failing step (default 2 minutes, for a busy machine).
export const ARTIFACTS = join(__dirname, 'artifacts');

/** A laptop screen (the issue: "sensible on a laptop screen"). */
export const LAPTOP_VIEWPORT = { width: 1366, height: 800 } as const;

export interface ConsoleBrowser {
  readonly server: TestServer;
  readonly browser: Browser;
  readonly page: Page;
  readonly origin: string;
  /** A practitioner's dev token, for arranging data through the API. */
  readonly token: string;
  /** A FHIR call as the practitioner; throws on a status of 300 or more. */
  fhir(path: string, init?: { method?: string; body?: unknown }): Promise<Record<string, unknown>>;
  /** Saves a PNG of the page under artifacts/<name>.png. */
  shot(name: string, fullPage?: boolean): Promise<unknown>;
  /** What went wrong in the page since the last call (off-host requests, CSP, page errors); clears it. */
  problems(): string[];
  close(): Promise<void>;
}

export interface ConsoleBrowserOptions {
  readonly env?: Record<string, string>;
  /** The server's data on disk (bulk export writes files there). */
  readonly onDisk?: boolean;
  /** Where the browser saves downloads. */
  readonly downloadPath?: string;
}

export async function openConsoleBrowser(executablePath: string, options: ConsoleBrowserOptions = {}): Promise<ConsoleBrowser> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const server = await startTestServer({ FHIR_AUTH_MODE: 'cognito', ...options.env }, { inMemory: options.onDisk !== true });
  const sockets: GraphqlWebSocket = attachGraphqlWebSocket(server.running.server, () => server.running.app);
  const origin = new URL(server.base).origin;
  const token = server.running.app.devIssuer?.mint({ groups: ['practitioner'] }) ?? '';
  // Bundle once before the first page (the server builds on first use; `npm start` at start).
  await fetch(`${origin}/console/graphiql.js`);
  const browser = await puppeteer.launch({ executablePath, headless: true, args: CHROMIUM_ARGS, ...(options.downloadPath === undefined ? {} : { downloadBehavior: { policy: 'allow', downloadPath: options.downloadPath } }) });
  const page = await browser.newPage();
  page.setDefaultTimeout(Number(process.env["BROWSER_TEST_TIMEOUT_MS"] ?? 120_000));
  page.setDefaultNavigationTimeout(120_000);
  await page.setViewport(LAPTOP_VIEWPORT);
  await page.setRequestInterception(true);
  const problems: string[] = [];
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (['data:', 'about:', 'blob:'].includes(url.protocol) || url.hostname === '127.0.0.1') return void request.continue();
    problems.push(`off-host request: ${request.url()}`);
    return void request.abort();
  });
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) problems.push(`CSP: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${String(error)}`));
  return {
    server,
    browser,
    page,
    origin,
    token,
    fhir: async (path, init = {}) => {
      const response = await server.request(path, { ...init, headers: { authorization: `Bearer ${token}` } });
      if (response.status >= 300) throw new Error(`${path}: ${response.status} ${response.text}`);
      return response.json;
    },
    shot: (name, fullPage = false) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage }),
    problems: () => problems.splice(0),
    close: async () => {
      await browser.close();
      await sockets.close();
      await server.stop();
    },
  };
}

/** Signs in through the console's form as `group` (dev issuer), and waits for the types page. */
export async function signIn(session: ConsoleBrowser, group = 'practitioner'): Promise<void> {
  await session.page.goto(`${session.origin}/`, { waitUntil: 'load' });
  await session.page.waitForSelector('form.sign-in select#group');
  await session.page.select('select#group', group);
  await session.page.click('form.sign-in button[type=submit]');
  await session.page.waitForSelector('tr[data-type="Patient"]');
}
