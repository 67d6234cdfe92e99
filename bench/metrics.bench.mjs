#!/usr/bin/env node
// `/metrics` render time (SPEC §9), ours beside prom-client's own registry, in the same run.
//
//   npm run build && node bench/metrics.bench.mjs [--threads 1000] [--fields 10] [--renders 60]
//
// The same series on both sides: --threads × --fields field values (10,000 by default), each
// thread's runs/errors/skipped counters and lateness histogram (9 buckets), 100 alerts (half
// firing, a quarter pending) and 10 unidist counters.
// - ours: the runtime's metrics (src/metrics/runtime-metrics.ts) behind the fetch-style handler
//   the `--metrics` server and dropSTAR mount: Request in, Response out (alerts and unidist
//   counters read at scrape time, the text rendered, the Response built; its bytes are written
//   by the server, as prom-client's string would be);
// - prom-client: a plain Registry holding prom-client Gauges, Counters and a Histogram with the
//   same label sets and values, rendered with `registry.metrics()`.
// Both texts are checked to be identical before timing. Figure: median time per render, the two
// sides interleaved one render at a time.
/* global Request */
import { parseArgs } from 'node:util';
import promClient from 'prom-client';
import { metricsHandler } from '../dist/metrics/handler.js';
import { LATENESS_BUCKETS, RuntimeMetrics } from '../dist/metrics/runtime-metrics.js';
import { line, median } from './report.mjs';

const { values: opt } = parseArgs({ strict: false, options: { threads: { type: 'string', default: '1000' }, fields: { type: 'string', default: '10' }, renders: { type: 'string', default: '100' } } });
const THREADS = Number(opt.threads);
const FIELDS = Number(opt.fields);
const RENDERS = Number(opt.renders);
const ALERTS = 100;


const fieldNames = Array.from({ length: FIELDS }, (_, f) => `field_${f}`);
const value = (t, f) => ((t * 31 + f * 7) % 1000) / 10;
const lateness = (t, k) => ((t * 13 + k * 17) % 200) / 10_000; // 0 … 20 ms
const status = (t) => ({ id: `t${t}`, running: true, intervalSeconds: 5, runs: 100 + (t % 7), skipped: t % 3, errors: t % 2, ranElsewhere: 0, scripts: [] });
const alerts = Array.from({ length: ALERTS }, (_, a) => ({
  block: 'bench',
  thread: `t${a * 10}`,
  alert: `alert_${a}`,
  state: a % 2 === 0 ? 'firing' : a % 4 === 1 ? 'pending' : 'ok',
  value: a * 1.5,
}));
const counters = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`counter_${i}`, i * 11]));

// Ours: threads tick 3 times each (3 lateness observations), as after three ticks.
const ours = new RuntimeMetrics({ alerts: () => alerts, counters: () => Promise.resolve(counters) });
for (let t = 0; t < THREADS; t++) {
  const h = ours.thread({ block: 'bench', thread: `t${t}`, fields: fieldNames });
  for (let k = 0; k < 3; k++) h.ticked(Object.fromEntries(fieldNames.map((n, f) => [n, value(t, f)])), status(t), lateness(t, k));
}
const handler = metricsHandler(ours);

// prom-client, the same series through its own metric classes.
const { Registry, Gauge, Counter, Histogram } = promClient;
const reg = new Registry();
const fieldGauge = new Gauge({ name: 'procblock_field_value', help: 'Last value of a collected or derived field of a RunThread (NaN when not a number).', labelNames: ['block', 'thread', 'field'], registers: [reg] });
const runs = new Counter({ name: 'procblock_run_thread_runs_total', help: 'Completed ticks of a RunThread.', labelNames: ['block', 'thread'], registers: [reg] });
const errors = new Counter({ name: 'procblock_run_thread_errors_total', help: 'Failed ticks of a RunThread.', labelNames: ['block', 'thread'], registers: [reg] });
const skipped = new Counter({ name: 'procblock_run_thread_skipped_total', help: 'Ticks of a RunThread skipped because the previous one was still running.', labelNames: ['block', 'thread'], registers: [reg] });
const hist = new Histogram({ name: 'procblock_run_thread_lateness_seconds', help: 'How late a RunThread tick started after its ideal time.', labelNames: ['block', 'thread'], buckets: [...LATENESS_BUCKETS], registers: [reg] });
const alertGauge = new Gauge({ name: 'procblock_alerts', help: 'Pending and firing alerts (1 each), like Prometheus ALERTS.', labelNames: ['block', 'thread', 'alertname', 'alertstate'], registers: [reg] });
const alertValue = new Gauge({ name: 'procblock_alert_value', help: 'Value of an alert at its last evaluation (NaN when unknown).', labelNames: ['block', 'thread', 'alertname'], registers: [reg] });
const unidist = new Gauge({ name: 'procblock_unidist_value', help: 'Value of a unidist counter (label counter).', labelNames: ['counter'], registers: [reg] });
for (let t = 0; t < THREADS; t++) for (let f = 0; f < FIELDS; f++) fieldGauge.set({ block: 'bench', thread: `t${t}`, field: fieldNames[f] }, value(t, f));
for (let t = 0; t < THREADS; t++) {
  const l = { block: 'bench', thread: `t${t}` };
  runs.inc(l, status(t).runs);
  errors.inc(l, status(t).errors);
  skipped.inc(l, status(t).skipped);
  for (let k = 0; k < 3; k++) hist.observe(l, lateness(t, k));
}
for (const a of alerts) {
  const l = { block: a.block, thread: a.thread, alertname: a.alert };
  if (a.state === 'firing' || a.state === 'pending') alertGauge.set({ ...l, alertstate: a.state }, 1);
}
for (const a of alerts) alertValue.set({ block: a.block, thread: a.thread, alertname: a.alert }, a.value);
for (const [c, v] of Object.entries(counters)) unidist.set({ counter: c }, v);
// prom-client writes errors/skipped counters that were never incremented (0) only if set: make them exist.
for (let t = 0; t < THREADS; t++) {
  const l = { block: 'bench', thread: `t${t}` };
  errors.inc(l, 0);
  skipped.inc(l, 0);
}

const oursText = await (await handler(new Request('http://127.0.0.1/metrics'))).text();
const peerText = await reg.metrics();
if (oursText !== peerText) {
  const a = oursText.split('\n');
  const b = peerText.split('\n');
  const i = a.findIndex((x, k) => x !== b[k]);
  console.error(`the two texts differ at line ${i + 1}:\n  ours: ${a[i]}\n  peer: ${b[i]}`);
  process.exit(1);
}
const series = oursText.split('\n').filter((l) => l && !l.startsWith('#')).length;

// Interleaved one by one, so both sides see the same machine (it is shared and noisy).
const a = [];
const b = [];
for (let i = 0; i < RENDERS + 5; i++) {
  let t0 = performance.now();
  await handler(new Request('http://127.0.0.1/metrics'));
  const ta = performance.now() - t0;
  t0 = performance.now();
  await reg.metrics();
  const tb = performance.now() - t0;
  if (i >= 5) {
    a.push(ta);
    b.push(tb);
  }
}
console.log(`# ${THREADS * FIELDS} field series, ${series} lines in all (identical text on both sides), ${RENDERS} renders each, interleaved`);
line(`/metrics render, ${THREADS * FIELDS} field series (median)`, median(a), 'prom-client registry', median(b), 'ms', '≤ 1.2×');
