/**
 * A real Prometheus scrapes `procblock --metrics` (SPEC §9; done-when 4): Debian's `prometheus`
 * started on loopback with a free port, a 1 s scrape and a temporary TSDB; a PromQL query returns
 * the value the RunThread collected. `promtool check metrics` finds nothing to say about our names.
 * Synchronised on log lines and on Prometheus's query API (polled with a bounded deadline).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot, startCli, tempDir } from '../helpers/cli.js';
import { requireSystemTool } from '../helpers/system-tool.js';

const havePrometheus = requireSystemTool('prometheus', ['--version'], 'the Prometheus scrape test');
const havePromtool = requireSystemTool('promtool', ['--version'], 'the promtool metric name check');
const tmp = tempDir('procblock-prometheus-');
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.pid) process.kill(c.pid, 'SIGKILL');
  tmp.cleanup();
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** Resolve when `fn` returns a value, polling every `everyMs`; reject after `deadlineMs`. */
async function poll<T>(fn: () => Promise<T | undefined>, deadlineMs: number, everyMs = 250): Promise<T> {
  const end = Date.now() + deadlineMs;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`no result within ${deadlineMs} ms`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

describe.runIf(havePrometheus && havePromtool)('Prometheus scrapes --metrics', () => {
  it('a PromQL query returns the collected value; promtool check metrics is clean', async () => {
    const dir = path.join(tmp.dir, 'block');
    mkdirSync(dir);
    for (const f of ['threshold.yaml', 'value.mjs']) copyFileSync(path.join(repoRoot, 'test', 'fixtures', 'alerts', f), path.join(dir, f));
    writeFileSync(path.join(dir, 'value.txt'), '42.5');

    const cli = startCli(['--metrics', '127.0.0.1:0', '--state-dir', path.join(dir, 'state'), path.join(dir, 'threshold.yaml')], { cwd: dir });
    children.push(cli.child);
    await cli.waitFor(/Metrics: http:\/\/127\.0\.0\.1:(\d+)\/metrics/, 'stderr');
    const port = Number((/Metrics: http:\/\/127\.0\.0\.1:(\d+)\/metrics/.exec(cli.stderr()) as RegExpExecArray)[1]);
    await cli.waitFor(/Long-running block/, 'stderr');

    // Our exposition, checked by promtool (only our names are exposed: no default process metrics).
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(text).toMatch(/^procblock_field_value\{block="threshold",thread="probe",field="v"\} 42\.5$/m);
    const lint = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect({ status: lint.status, out: lint.stdout + lint.stderr }).toEqual({ status: 0, out: '' });

    const promPort = await freePort();
    const config = path.join(tmp.dir, 'prometheus.yml');
    writeFileSync(
      config,
      ['global:', '  scrape_interval: 1s', '  evaluation_interval: 1s', 'scrape_configs:', '  - job_name: procblock', '    static_configs:', `      - targets: ['127.0.0.1:${port}']`, ''].join('\n'),
    );
    const prom = spawn('prometheus', [`--config.file=${config}`, `--storage.tsdb.path=${path.join(tmp.dir, 'tsdb')}`, `--web.listen-address=127.0.0.1:${promPort}`, '--log.level=warn'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    children.push(prom);
    let promLog = '';
    prom.stderr?.setEncoding('utf8').on('data', (d: string) => (promLog += d));

    const query = encodeURIComponent('procblock_field_value{thread="probe",field="v"}');
    const result = await poll(async () => {
      const r = (await (await fetch(`http://127.0.0.1:${promPort}/api/v1/query?query=${query}`)).json()) as {
        data: { result: { metric: Record<string, string>; value: [number, string] }[] };
      };
      return r.data.result.length > 0 ? r.data.result : undefined;
    }, 60_000).catch((e: Error) => {
      throw new Error(`${e.message}; prometheus log:\n${promLog}`);
    });
    expect(result).toEqual([{ metric: expect.objectContaining({ __name__: 'procblock_field_value', block: 'threshold', thread: 'probe', field: 'v', job: 'procblock' }), value: [expect.any(Number), '42.5'] }]);

    // The RunThread's own counters arrive too.
    const runs = await poll(async () => {
      const r = (await (await fetch(`http://127.0.0.1:${promPort}/api/v1/query?query=${encodeURIComponent('procblock_run_thread_runs_total{thread="probe"}')}`)).json()) as {
        data: { result: { value: [number, string] }[] };
      };
      return r.data.result[0];
    }, 30_000);
    expect(Number(runs.value[1])).toBeGreaterThanOrEqual(1);

    prom.kill('SIGTERM');
    cli.child.kill('SIGINT');
    const [, r] = await Promise.all([new Promise((res) => prom.once('exit', res)), cli.done]);
    expect(r.code).toBe(0);
  });
});
