/**
 * The metrics registry, its handler and its server, without a runtime: every family rendered
 * exactly, `promtool check metrics` clean for all our names (alerts and unidist counters
 * included), the loopback rule, the bearer token, the event stream's end at close.
 */
import { spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { LiveEventBus, type LiveEvent } from '../../src/runtime/live-events.js';
import { silentLogger } from '../../src/core/logger.js';
import { metricsHandler } from '../../src/metrics/handler.js';
import { RuntimeMetrics, type AlertMetricsView } from '../../src/metrics/runtime-metrics.js';
import { startMetricsServer, type MetricsServer } from '../../src/metrics/server.js';
import { parseMetricsAddress, checkMetricsExposure } from '../../src/cli/metrics-option.js';
import type { RunThreadStatus } from '../../src/schedule/types.js';
import { requireSystemTool } from '../helpers/system-tool.js';

const havePromtool = requireSystemTool('promtool', ['--version'], 'the promtool metric name check');

const status = (runs: number, errors = 0, skipped = 0): RunThreadStatus => ({ id: 'x', running: true, intervalSeconds: 5, runs, skipped, errors, ranElsewhere: 0, scripts: [] });

function sample(): RuntimeMetrics {
  const alerts: AlertMetricsView[] = [
    { block: 'mon', thread: 'web', alert: 'slow', state: 'firing', value: 65 },
    { block: 'mon', thread: 'web', alert: 'down', state: 'pending', value: 0 },
    { block: 'mon', thread: 'web', alert: 'quiet', state: 'ok', value: NaN },
  ];
  const m = new RuntimeMetrics({ alerts: () => alerts, counters: () => Promise.resolve({ requests: 12, 'odd name': -3 }) });
  const web = m.thread({ block: 'mon', thread: 'web', fields: ['ms', 'ok', 'note'] });
  web.ticked({ ms: 143, ok: true, note: 'text' }, status(3, 1, 2), 0.004);
  web.failed(status(4, 2, 2), 0.2);
  const disks = m.thread({ block: 'mon', thread: 'disks', fields: ['used'], key: 'mounts' });
  disks.ticked({ mounts: { '/': { used: 40 }, '/var': { used: '61.5' } } }, status(1), undefined);
  return m;
}

describe('RuntimeMetrics', () => {
  it('renders every family with its labels and values', async () => {
    const text = await sample().render();
    const lines = text.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
    expect(lines).toEqual([
      'procblock_field_value{block="mon",thread="web",field="ms"} 143',
      'procblock_field_value{block="mon",thread="web",field="ok"} 1',
      'procblock_field_value{block="mon",thread="web",field="note"} Nan',
      'procblock_field_value{block="mon",thread="disks",field="used",entry="/"} 40',
      'procblock_field_value{block="mon",thread="disks",field="used",entry="/var"} 61.5',
      'procblock_run_thread_runs_total{block="mon",thread="web"} 4',
      'procblock_run_thread_runs_total{block="mon",thread="disks"} 1',
      'procblock_run_thread_errors_total{block="mon",thread="web"} 2',
      'procblock_run_thread_errors_total{block="mon",thread="disks"} 0',
      'procblock_run_thread_skipped_total{block="mon",thread="web"} 2',
      'procblock_run_thread_skipped_total{block="mon",thread="disks"} 0',
      'procblock_run_thread_lateness_seconds_bucket{le="0.001",block="mon",thread="web"} 0',
      'procblock_run_thread_lateness_seconds_bucket{le="0.005",block="mon",thread="web"} 1',
      'procblock_run_thread_lateness_seconds_bucket{le="0.01",block="mon",thread="web"} 1',
      'procblock_run_thread_lateness_seconds_bucket{le="0.05",block="mon",thread="web"} 1',
      'procblock_run_thread_lateness_seconds_bucket{le="0.1",block="mon",thread="web"} 1',
      'procblock_run_thread_lateness_seconds_bucket{le="0.5",block="mon",thread="web"} 2',
      'procblock_run_thread_lateness_seconds_bucket{le="1",block="mon",thread="web"} 2',
      'procblock_run_thread_lateness_seconds_bucket{le="5",block="mon",thread="web"} 2',
      'procblock_run_thread_lateness_seconds_bucket{le="10",block="mon",thread="web"} 2',
      'procblock_run_thread_lateness_seconds_bucket{le="+Inf",block="mon",thread="web"} 2',
      'procblock_run_thread_lateness_seconds_sum{block="mon",thread="web"} 0.20400000000000001',
      'procblock_run_thread_lateness_seconds_count{block="mon",thread="web"} 2',
      ...['0.001', '0.005', '0.01', '0.05', '0.1', '0.5', '1', '5', '10', '+Inf'].map((le) => `procblock_run_thread_lateness_seconds_bucket{le="${le}",block="mon",thread="disks"} 0`),
      'procblock_run_thread_lateness_seconds_sum{block="mon",thread="disks"} 0',
      'procblock_run_thread_lateness_seconds_count{block="mon",thread="disks"} 0',
      'procblock_alerts{block="mon",thread="web",alertname="slow",alertstate="firing"} 1',
      'procblock_alerts{block="mon",thread="web",alertname="down",alertstate="pending"} 1',
      'procblock_alert_value{block="mon",thread="web",alertname="slow"} 65',
      'procblock_alert_value{block="mon",thread="web",alertname="down"} 0',
      'procblock_alert_value{block="mon",thread="web",alertname="quiet"} Nan',
      'procblock_unidist_value{counter="requests"} 12',
      'procblock_unidist_value{counter="odd name"} -3',
    ]);
    expect(text).toContain('# TYPE procblock_run_thread_lateness_seconds histogram');
    expect(text).toContain('# TYPE procblock_run_thread_runs_total counter');
  });

  it.runIf(havePromtool)('promtool check metrics has nothing to say about our names', async () => {
    const r = spawnSync('promtool', ['check', 'metrics'], { input: await sample().render(), encoding: 'utf8' });
    expect({ status: r.status, out: r.stdout + r.stderr }).toEqual({ status: 0, out: '' });
  });

  it('the handler serves GET/HEAD, refuses other methods, and hides render failures', async () => {
    const ok = metricsHandler(sample());
    const res = await ok(new Request('http://x/metrics'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(await (await ok(new Request('http://x/metrics', { method: 'HEAD' }))).text()).toBe('');
    expect((await ok(new Request('http://x/metrics', { method: 'POST' }))).status).toBe(405);
    const errors: unknown[] = [];
    const broken = metricsHandler({ contentType: 'text/plain', render: () => Promise.reject(new Error('secret /path/detail')) }, (e) => errors.push(e));
    const r = await broken(new Request('http://x/metrics'));
    expect(r.status).toBe(500);
    expect(await r.text()).not.toContain('secret');
    expect(errors).toHaveLength(1);
  });
});

describe('--metrics address and exposure', () => {
  it.each([
    ['9464', { host: '127.0.0.1', port: 9464 }],
    [':0', { host: '127.0.0.1', port: 0 }],
    ['localhost:9000', { host: 'localhost', port: 9000 }],
    ['[::1]:9464', { host: '[::1]', port: 9464 }],
    ['0.0.0.0:9464', { host: '0.0.0.0', port: 9464 }],
  ])('%s', (text, want) => {
    expect(parseMetricsAddress(text)).toEqual(want);
  });

  it.each(['', 'x', '127.0.0.1', '127.0.0.1:99999', 'a:b:1', '1.2.3.4:-1'])('%j is a usage error', (text) => {
    expect(() => parseMetricsAddress(text)).toThrow(expect.objectContaining({ code: 'PB_ERR_USAGE' }));
  });

  it('a non-loopback address needs a token file or --metrics-insecure', () => {
    expect(() => checkMetricsExposure({ host: '0.0.0.0', port: 1 }, undefined, false)).toThrow(expect.objectContaining({ code: 'PB_ERR_USAGE' }));
    expect(() => checkMetricsExposure({ host: '0.0.0.0', port: 1 }, 'token.txt', false)).not.toThrow();
    expect(() => checkMetricsExposure({ host: '10.1.2.3', port: 1 }, undefined, true)).not.toThrow();
    expect(() => checkMetricsExposure({ host: '127.0.0.2', port: 1 }, undefined, false)).not.toThrow();
  });
});

describe('the metrics server', () => {
  let server: MetricsServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('refuses a non-loopback address without a token (exit-2 code)', async () => {
    await expect(startMetricsServer({ host: '0.0.0.0', port: 0, metrics: sample(), logger: silentLogger })).rejects.toMatchObject({ code: 'PB_ERR_USAGE' });
  });

  it('with a token, every route needs `Authorization: Bearer <token>`', async () => {
    server = await startMetricsServer({ host: '127.0.0.1', port: 0, metrics: sample(), token: 's3cret', logger: silentLogger });
    expect((await fetch(`${server.url}/metrics`)).status).toBe(401);
    expect((await fetch(`${server.url}/metrics`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    const ok = await fetch(`${server.url}/metrics`, { headers: { authorization: 'Bearer s3cret' } });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('procblock_field_value');
    expect((await fetch(`${server.url}/nothing`, { headers: { authorization: 'Bearer s3cret' } })).status).toBe(404);
  });

  it('streams events as SSE and ends the streams when it closes', async () => {
    const bus = new LiveEventBus(silentLogger);
    server = await startMetricsServer({ host: '127.0.0.1', port: 0, metrics: sample(), events: bus, logger: silentLogger });
    const res = await fetch(`${server.url}/events`);
    const reader = (res.body as ReadableStream<Uint8Array>).pipeThrough(new TextDecoderStream()).getReader();
    expect((await reader.read()).value).toBe(': procblock events\n\n');
    const event: LiveEvent = { kind: 'tick', thread: 't', time: 1000, fields: { v: NaN, n: 2 }, graphs: [] };
    bus.emit(event);
    expect((await reader.read()).value).toBe('event: tick\ndata: {"kind":"tick","thread":"t","time":1000,"fields":{"v":null,"n":2},"graphs":[]}\n\n');
    const closing = server.close();
    expect((await reader.read()).done).toBe(true);
    await closing;
    expect(bus.listening).toBe(false);
    server = undefined;
  });

  it('a port in use is PB_ERR_METRICS', async () => {
    server = await startMetricsServer({ host: '127.0.0.1', port: 0, metrics: sample(), logger: silentLogger });
    await expect(startMetricsServer({ host: '127.0.0.1', port: server.port, metrics: sample(), logger: silentLogger })).rejects.toMatchObject({ code: 'PB_ERR_METRICS' });
  });
});
