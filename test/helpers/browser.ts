/**
 * Headless Chromium for page tests: Debian's `chromium` driven by playwright-core (no browser
 * download). One browser per test file (launch in beforeAll, close in afterAll); one context
 * per simulated user. `watchConsole` collects what a person would see as breakage: console
 * errors, uncaught page errors and failed requests.
 *
 *   const browser = haveChromium ? await launchBrowser() : undefined;
 *   const { page, problems } = await openPage(browser, url);
 *   ...
 *   expect(problems()).toEqual([]);
 */
import { spawnSync } from 'node:child_process';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { requireSystemTool } from './system-tool.js';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
] as const;

/** True when Debian's chromium is here (skips locally without it; fails in CI). */
export function requireChromium(purpose: string): boolean {
  return requireSystemTool('chromium', ['--version'], purpose);
}

function chromiumPath(): string {
  const r = spawnSync('sh', ['-c', 'command -v chromium'], { encoding: 'utf8' });
  const p = r.stdout.trim();
  if (r.status !== 0 || p === '') throw new Error('chromium is not on PATH');
  return p;
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), headless: true, args: [...CHROMIUM_ARGS] });
}

export interface ConsoleWatch {
  /** Console errors, page errors and failed requests so far, as text. */
  problems(): string[];
}

export function watchConsole(page: Page): ConsoleWatch {
  const seen: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') seen.push(`console.error: ${m.text()} (${m.location().url})`);
  });
  page.on('pageerror', (e) => seen.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => {
    const failure = r.failure()?.errorText ?? '';
    // A navigation or image reload replacing a request still in flight is not breakage.
    if (failure !== 'net::ERR_ABORTED') seen.push(`request failed: ${r.method()} ${r.url()} ${failure}`);
  });
  return { problems: () => [...seen] };
}

export interface OpenedPage extends ConsoleWatch {
  readonly context: BrowserContext;
  readonly page: Page;
}

/** A new context (its own cookies and cache) with one page at `url`, watched from the start. */
export async function openPage(browser: Browser, url: string, options: { viewport?: { width: number; height: number } } = {}): Promise<OpenedPage> {
  const context = await browser.newContext({ viewport: options.viewport ?? { width: 1280, height: 900 } });
  const page = await context.newPage();
  const watch = watchConsole(page);
  await page.goto(url);
  return { context, page, problems: watch.problems };
}
