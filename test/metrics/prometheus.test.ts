/**
 * A real Prometheus scrapes procblock (SPEC §9; issue 11 done-when 4): Debian's `prometheus`
 * started on loopback with a free port, a 1 s scrape and a temporary TSDB, scraping two targets:
 * `procblock --metrics` (its own small server) and the `/metrics` route of a dropSTAR block
 * behind the site's token auth (Prometheus sends the bearer token from a credentials file).
 * A PromQL query returns the value each RunThread collected; `promtool check metrics` finds
 * nothing to say about our names. Synchronised on log lines and on Prometheus's query API
 * (polled with a bounded deadline). One Prometheus for the file.
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, startCli, tempDir, type RunningCli } from '../helpers/cli.js';
import { startPrometheus, type RunningPrometheus } from '../helpers/prometheus.js';
import { requireSystemTool } from '../helpers/system-tool.js';
import { startWebBlock, type WebBlock } from '../helpers/web-demo.js';

const havePrometheus = requireSystemTool('prometheus', ['--version'], 'the Prometheus scrape test');
const havePromtool = requireSystemTool('promtool', ['--version'], 'the promtool metric name check');
const TOKEN = 'scrape-token-0123456789abcdef';

function promtool(text: string): { status: number | null; out: string } {
  const lint = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  return { status: lint.status, out: lint.stdout + lint.stderr };
}

/** A folder with the block file and the value its RunThread reads. */
function blockDir(root: string, name: string, fixture: string, value: string): string {
  const dir = path.join(root, name);
  mkdirSync(dir);
  copyFileSync(path.join(repoRoot, 'test', 'fixtures', fixture), path.join(dir, path.basename(fixture)));
  copyFileSync(path.join(repoRoot, 'test', 'fixtures', 'alerts', 'value.mjs'), path.join(dir, 'value.mjs'));
  writeFileSync(path.join(dir, 'value.txt'), value);
  return dir;
}

describe.runIf(havePrometheus && havePromtool)('Prometheus scrapes procblock', () => {
  const tmp = tempDir('procblock-prometheus-');
  const children: ChildProcess[] = [];
  let cli: RunningCli;
  let metricsPort: number;
  let web: WebBlock;
  let prom: RunningPrometheus;

  beforeAll(async () => {
    const plain = blockDir(tmp.dir, 'plain', 'alerts/threshold.yaml', '42.5');
    cli = startCli(['--metrics', '127.0.0.1:0', '--state-dir', path.join(plain, 'state'), path.join(plain, 'threshold.yaml')], { cwd: plain });
    children.push(cli.child);
    const dropstar = blockDir(tmp.dir, 'dropstar', 'metrics/dropstar-metrics.yaml', '17.25');
    writeFileSync(path.join(dropstar, 'token.txt'), `${TOKEN}\n`);
    const webStarting = startWebBlock(path.join(dropstar, 'dropstar-metrics.yaml'), { runtimeArgs: ['--state-dir', path.join(dropstar, 'state')] });
    void webStarting.then((w) => children.push(w.cli.child), () => undefined);

    await cli.waitFor(/Metrics: http:\/\/127\.0\.0\.1:(\d+)\/metrics/, 'stderr');
    metricsPort = Number((/Metrics: http:\/\/127\.0\.0\.1:(\d+)\/metrics/.exec(cli.stderr()) as RegExpExecArray)[1]);
    await cli.waitFor(/Long-running block/, 'stderr');
    web = await webStarting;

    writeFileSync(path.join(tmp.dir, 'token'), TOKEN);
    prom = await startPrometheus(tmp.dir, [
      { job: 'procblock', target: `127.0.0.1:${metricsPort}` },
      { job: 'dropstar', target: new URL(web.url).host, bearerTokenFile: path.join(tmp.dir, 'token') },
    ]);
    children.push(prom.child);
  });

  afterAll(async () => {
    await prom?.stop();
    for (const c of children) if (c.exitCode === null && c.signalCode === null && c.pid) process.kill(c.pid, 'SIGKILL');
    tmp.cleanup();
  });

  it('--metrics: a PromQL query returns the collected value; promtool check metrics is clean', async () => {
    // Our exposition, checked by promtool (only our names are exposed: no default process metrics).
    const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    expect(text).toMatch(/^procblock_field_value\{block="threshold",thread="probe",field="v"\} 42\.5$/m);
    expect(promtool(text)).toEqual({ status: 0, out: '' });

    const result = await prom.queryUntilFound('procblock_field_value{job="procblock",thread="probe",field="v"}', 60_000);
    expect(result).toEqual([{ metric: expect.objectContaining({ __name__: 'procblock_field_value', block: 'threshold', thread: 'probe', field: 'v', job: 'procblock' }), value: [expect.any(Number), '42.5'] }]);
    // The RunThread's own counters arrive too.
    const [runs] = await prom.queryUntilFound('procblock_run_thread_runs_total{job="procblock",thread="probe"}', 30_000);
    expect(Number(runs?.value[1])).toBeGreaterThanOrEqual(1);
  });

  it("dropSTAR's /metrics behind the site's token: 401 without it; Prometheus scrapes it with the bearer token; promtool clean", async () => {
    const url = new URL('/metrics', web.url).href;
    const denied = await fetch(url);
    expect(denied.status).toBe(401);
    expect(await denied.text()).not.toContain('procblock_');
    // The field's value once the thread ticked after the metrics were made (the server starts them).
    let text = '';
    await expect
      .poll(async () => (text = await (await fetch(url, { headers: { authorization: `Bearer ${TOKEN}` } })).text()), { timeout: 30_000 })
      .toMatch(/^procblock_field_value\{block="dropstar-metrics",thread="probe",field="v"\} 17\.25$/m);
    expect(text).toMatch(/^procblock_alert_value\{block="dropstar-metrics",thread="probe",alertname="high"\} 17\.25$/m);
    expect(promtool(text)).toEqual({ status: 0, out: '' });

    const result = await prom.queryUntilFound('procblock_field_value{job="dropstar",thread="probe",field="v"}', 60_000);
    expect(result).toEqual([{ metric: expect.objectContaining({ block: 'dropstar-metrics', thread: 'probe', field: 'v', job: 'dropstar' }), value: [expect.any(Number), '17.25'] }]);
    // Prometheus's own view of the target: up, scraped with the token.
    const [up] = await prom.queryUntilFound('up{job="dropstar"}', 30_000);
    expect(up?.value[1]).toBe('1');
  });

  it('both processes stop cleanly on Ctrl-C', async () => {
    await prom.stop();
    cli.child.kill('SIGINT');
    const [a, b] = await Promise.all([cli.done, web.stop()]);
    expect([a.code, b.code]).toEqual([0, 0]);
  });
});
