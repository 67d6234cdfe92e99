/**
 * demos/sysmon in headless Chromium (issue 12 point 3), run by the real CLI with a sample every
 * second (`--interval 1`): every collector's graphs on one page, each image a decodable PNG;
 * switching the period redraws them (other bytes, still decodable); the internals page of a
 * file lists its data sources and archives; an interface that appears while the page is open
 * gets its file and its graph on the page, live.
 *
 * The collectors read a procfs folder the test controls (`--procfs`): /proc's own stat,
 * loadavg and meminfo, and copies of the mount, disk and interface lists trimmed to the root
 * mount, one disk and `lo`, so the page has the same graphs on every machine and the test can
 * add an interface. Synchronised on what the page shows, never on sleeps. Screenshots go to
 * test-results/sysmon/.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, openPage, requireChromium, type OpenedPage } from '../helpers/browser.js';
import { repoRoot, tempDir } from '../helpers/cli.js';
import { copyWebDemo, startWebBlock, type WebBlock } from '../helpers/web-demo.js';

const haveChromium = requireChromium('the sysmon browser test');
const onLinux = process.platform === 'linux';
const shots = path.join(repoRoot, 'test-results', 'sysmon');
const WAIT = { timeout: 30_000, interval: 100 };
const COLLECTORS = ['cpu', 'load', 'memory', 'disk_space', 'disk_io', 'network'];
const DEVICE = '   8       0 pbdisk0 100 0 800 10 200 0 1600 20 0 30 30 0 0 0 0 0 0\n';
const INTERFACE = (name: string): string => `${name.padStart(6)}:    1000      10    0    0    0     0          0         0     2000      20    0    0    0     0       0          0\n`;

interface Img {
  readonly complete: boolean;
  readonly naturalWidth: number;
}

/** A procfs folder: the live files the graphs move with, and lists the test decides. */
function makeProcfs(dir: string): string {
  mkdirSync(path.join(dir, 'net'), { recursive: true });
  mkdirSync(path.join(dir, 'self'));
  for (const f of ['stat', 'loadavg', 'meminfo']) symlinkSync(`/proc/${f}`, path.join(dir, f));
  const rootMount = readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .filter((l) => l.split(' ')[4] === '/');
  writeFileSync(path.join(dir, 'self', 'mountinfo'), `${rootMount.join('\n')}\n`);
  writeFileSync(path.join(dir, 'diskstats'), DEVICE);
  const netdev = readFileSync('/proc/net/dev', 'utf8').split('\n');
  writeFileSync(path.join(dir, 'net', 'dev'), `${netdev.slice(0, 2).join('\n')}\n${INTERFACE('lo')}`);
  return dir;
}

describe.runIf(haveChromium && onLinux)('demos/sysmon in Chromium', () => {
  const tmp = tempDir('procblock-sysmon-browser-');
  let server: WebBlock;
  let browser: Browser;
  let procfs: string;
  let blockDir: string;

  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    // The demo imports ../../blocks/system.yaml: the copy sits at <tmp>/demos/sysmon beside a link to blocks/.
    symlinkSync(path.join(repoRoot, 'blocks'), path.join(tmp.dir, 'blocks'));
    const file = copyWebDemo('sysmon', path.join(tmp.dir, 'demos', 'sysmon'));
    blockDir = path.dirname(file);
    procfs = makeProcfs(path.join(tmp.dir, 'proc'));
    [server, browser] = await Promise.all([startWebBlock(file, { blockArgs: ['--interval', '1', '--procfs', procfs] }), launchBrowser()]);
  });

  afterAll(async () => {
    await browser?.close();
    const r = await server?.stop();
    tmp.cleanup();
    expect(r?.code).toBe(0);
  });

  /** One page in a context of its own for `use`, closed after it (an open page redraws its graphs at every tick). */
  const withPage = async (p: string, use: (o: OpenedPage) => Promise<void>): Promise<void> => {
    const o = await openPage(browser, server.url + p);
    try {
      await use(o);
    } finally {
      await o.context.close();
    }
  };

  /** The graph names on the page, once every image on it has loaded and decoded. */
  async function decodedGraphs(page: Page): Promise<string[]> {
    await expect
      .poll(() => page.locator('#sections img').evaluateAll((imgs) => imgs.length > 0 && imgs.every((i) => (i as unknown as Img).complete && (i as unknown as Img).naturalWidth > 0)), WAIT)
      .toBe(true);
    return page.locator('#sections figure').evaluateAll((fs) => fs.map((f) => f.getAttribute('data-graph') ?? ''));
  }

  it('shows every collector, each graph a decodable PNG; switching the period redraws them', () => withPage('', async ({ page, context, problems }) => {
    await expect.poll(() => page.locator('#sections figure').count(), WAIT).toBe(7);
    const graphs = await decodedGraphs(page);
    expect(graphs).toEqual(['cpu', 'load', 'memory', 'swap', 'disk_space-root', 'disk_io-pbdisk0', 'network-lo']);
    expect(await page.locator('#sections section').evaluateAll((ss) => ss.map((s) => s.getAttribute('data-thread')))).toEqual(COLLECTORS);
    expect(await page.locator('#periods a[aria-current="true"]').textContent()).toBe('hour');

    const fetchPng = async (url: string): Promise<Buffer> => {
      const res = await context.request.get(new URL(url, server.url).href);
      expect(res.headers()['content-type']).toBe('image/png');
      return Buffer.from(await res.body());
    };
    const hour = await fetchPng('/graph/cpu.png?period=1h');

    // The day: every image is requested again for 1d, and decodes.
    const dayLoaded = page.waitForResponse((r) => r.url().includes('/graph/cpu.png?period=1d') && r.status() === 200);
    await page.locator('#periods a[data-period="1d"]').click();
    const day = Buffer.from(await (await dayLoaded).body());
    expect(await page.locator('#periods a[aria-current="true"]').textContent()).toBe('day');
    expect(new URL(page.url()).searchParams.get('period')).toBe('1d');
    await expect.poll(() => page.locator('#sections img').evaluateAll((imgs) => imgs.map((i) => new URL((i as unknown as { src: string }).src).searchParams.get('period'))), WAIT).toEqual(graphs.map(() => '1d'));
    await decodedGraphs(page);
    const [h, d] = [PNG.sync.read(hour), PNG.sync.read(day)];
    expect([d.width, d.height]).toEqual([h.width, h.height]);
    expect(day.equals(hour)).toBe(false);
    await page.screenshot({ path: path.join(shots, 'sysmon-day.png'), fullPage: true });

    // A month and a year decode too (the period names of SPEC §7: 1m is a month).
    for (const p of ['1m', '1y']) {
      await page.locator(`#periods a[data-period="${p}"]`).click();
      await expect.poll(() => page.locator('#sections img').evaluateAll((imgs, want) => imgs.every((i) => (i as unknown as { src: string }).src.includes(want)), `period=${p}`), WAIT).toBe(true);
      await decodedGraphs(page);
    }
    expect(PNG.sync.read(await fetchPng('/graph/cpu.png?period=1y')).width).toBe(h.width);
    // A page opened with ?period= shows that period.
    await page.goto(`${server.url}?period=1w`);
    expect(await page.locator('#periods a[aria-current="true"]').textContent()).toBe('week');
    await decodedGraphs(page);
    expect(problems()).toEqual([]);
  }));

  it('an interface that appears gets its file and its graph on the open page, live', () => withPage('', async ({ page, problems }) => {
    await expect.poll(() => page.locator('#sections figure').count(), WAIT).toBe(7);
    appendFileSync(path.join(procfs, 'net', 'dev'), INTERFACE('pbtest0'));
    const figure = page.locator('figure[data-graph="network-pbtest0"]');
    await expect.poll(() => figure.count(), WAIT).toBe(1);
    await expect.poll(() => figure.locator('img').evaluate((i) => (i as unknown as Img).complete && (i as unknown as Img).naturalWidth > 0), WAIT).toBe(true);
    expect(existsSync(path.join(blockDir, 'data', 'network-pbtest0.rrd'))).toBe(true);
    expect(await page.locator('section[data-thread="network"] figure').evaluateAll((fs) => fs.map((f) => f.getAttribute('data-graph')))).toEqual(['network-lo', 'network-pbtest0']);
    await page.screenshot({ path: path.join(shots, 'sysmon.png'), fullPage: true });
    expect(problems()).toEqual([]);
  }));

  it('the internals page of a file lists its data sources and archives, as rrd info has them', () => withPage('', async ({ page, problems }) => {
    await expect.poll(() => page.locator('figure[data-graph="cpu"] a.sysmon-internals').count(), WAIT).toBe(1);
    await page.locator('figure[data-graph="cpu"] a.sysmon-internals').click();
    await page.waitForURL(/\/internals\?graph=cpu$/);
    await expect.poll(() => page.locator('#rrd-name').textContent(), WAIT).toBe('cpu.rrd');
    const cells = (table: string, column: number): Promise<string[]> =>
      page.locator(`${table} tbody tr`).evaluateAll((rows, c) => rows.map((r) => r.children[c]?.textContent ?? ''), column);
    expect(await cells('#ds-table', 0)).toEqual(['cpu_user', 'cpu_nice', 'cpu_system', 'cpu_idle', 'cpu_iowait', 'cpu_irq', 'cpu_softirq', 'cpu_steal', 'cpu_count']);
    expect(await cells('#ds-table', 1)).toEqual([...Array(8).fill('DERIVE'), 'GAUGE']);
    expect(await cells('#ds-table', 2)).toEqual(Array(9).fill('2 s'));
    expect(await cells('#rra-table', 1)).toEqual(['AVERAGE', 'AVERAGE', 'AVERAGE', 'AVERAGE', 'MAX', 'MAX', 'MAX']);
    expect(await cells('#rra-table', 4)).toEqual(['8640', '10080', '4464', '8784', '10080', '4464', '8784']);
    expect(await page.locator('#rrd-step').textContent()).toBe('1 s');
    // Every file is listed, one entry each (memory.rrd holds two graphs).
    expect(await page.locator('#files a').allTextContents()).toEqual(['cpu.rrd', 'disk_io-pbdisk0.rrd', 'disk_space-root.rrd', 'load.rrd', 'memory.rrd', 'network-lo.rrd', 'network-pbtest0.rrd']);
    await page.screenshot({ path: path.join(shots, 'sysmon-internals.png'), fullPage: true });

    // Another file, by its link: the memory file's gauges.
    await page.locator('#files a', { hasText: 'memory.rrd' }).click();
    await expect.poll(() => page.locator('#rrd-name').textContent(), WAIT).toBe('memory.rrd');
    expect(await cells('#ds-table', 0)).toContain('swap_used');
    expect(await page.locator('#rrd-graphs').textContent()).toBe('Memory, Swap');
    expect(problems()).toEqual([]);
  }));
});
