/**
 * The swap of a hot reload in the runtime (runtime/live-block.ts): a real Runtime (built package,
 * scripts in real workers) whose RunThreads tick on a FakeClock, so "no tick missed or run twice"
 * is counted exactly. The decision rule is the reload's real one (reload/diff.ts).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadBlock } from '../../dist/config/index.js';
import { createLogger, type LogRecord } from '../../dist/core/logger.js';
import { decideThread } from '../../dist/reload/diff.js';
import type { LiveBlock, SwapPlan } from '../../dist/runtime/live-block.js';
import { Runtime } from '../../dist/runtime/runtime.js';
import { createUnidist } from '../../dist/unidist/index.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { tempDir } from '../helpers/cli.js';

const tmp = tempDir('procblock-live-');
afterAll(() => tmp.cleanup());

const COUNTING = (name: string): string =>
  `export const processBlock = async (_p, _b, _r, _i, ctx) => { const n = await ctx.unidist.counter.increment('${name}'); ctx.log.info('tick ${name} ' + n); return { n }; };\n`;
const LOOPING = [
  'export const processBlock = async (_p, _b, _r, _i, ctx) => {',
  "  const me = await ctx.unidist.counter.increment('loops_started');",
  "  ctx.log.info('loop started ' + me);",
  '  while (!ctx.signal.aborted) await new Promise((r) => setTimeout(r, 5));',
  "  await ctx.unidist.counter.increment('loops_ended');",
  '  return { me };',
  '};',
  '',
].join('\n');

let clock: FakeClock;
let rt: Runtime;
let logs: LogRecord[];
let waiters: { re: RegExp; resolve: () => void }[];

/** Resolve when a log line matching `re` has been written (script log lines included). */
function logged(re: RegExp): Promise<void> {
  if (logs.some((r) => re.test(r.msg))) return Promise.resolve();
  return new Promise((resolve) => waiters.push({ re, resolve }));
}
function onLog(r: LogRecord): void {
  logs.push(r);
  for (const w of [...waiters]) {
    if (w.re.test(r.msg)) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
  }
}
let dir: string;
let n = 0;

beforeEach(async () => {
  dir = path.join(tmp.dir, `t${++n}`);
  mkdirSync(dir, { recursive: true });
  for (const s of ['a', 'b', 'c']) writeFileSync(path.join(dir, `${s}.mjs`), COUNTING(s));
  writeFileSync(path.join(dir, 'loop.mjs'), LOOPING);
  writeFileSync(path.join(dir, 'boom.mjs'), "export const processBlock = async () => { throw new Error('boom'); };\n");
  clock = new FakeClock();
  logs = [];
  waiters = [];
  rt = await Runtime.create({ clock, logger: createLogger(onLog, 'debug'), maxThreads: 2, stopTimeoutMs: 2000 });
});
afterEach(async () => {
  await rt.stop('test over');
});

async function version(name: string, yaml: string): Promise<Awaited<ReturnType<typeof loadBlock>>> {
  const file = path.join(dir, name);
  writeFileSync(file, yaml);
  return loadBlock(file);
}

const thread = (script: string, interval: number, id = script): string => `  - {script: ${script}.mjs, cache: ${interval}, thread_id: ${id}}`;
const plan = (changedScripts: string[] = []): SwapPlan => ({
  decide: (a, b) => decideThread(a, b, new Set(changedScripts)),
  changedScripts,
});

/** Completed ticks of each RunThread of `live` now. */
function runs(live: LiveBlock): Map<string, number> {
  return new Map(live.statuses().map((st) => [st.id, st.runs] as const));
}

/**
 * Advance the clock by `ms` (to the next slot) and wait for every tick due there to complete:
 * `{a: 3}` is tick number 3 of script a (thread a). All threads share the slot grid here, so the
 * next advance must come only once no tick is running (one still running would skip its next slot).
 */
async function slot(live: LiveBlock, ms: number, due: Record<string, number>): Promise<void> {
  const before = runs(live);
  await clock.advance(ms);
  await Promise.all(Object.entries(due).map(([name, n]) => logged(new RegExp(`^tick ${name} ${n}$`))));
  // The log line comes from inside the call; the call's end reaches the thread just after.
  for (let i = 0; i < 10_000; i++) {
    const now = runs(live);
    if (Object.keys(due).every((id) => (now.get(id) ?? 0) > (before.get(id) ?? 0))) return;
    await new Promise((r) => setImmediate(r));
  }
  throw new Error(`ticks ${JSON.stringify(due)} did not complete`);
}

describe('LiveBlock.swap', () => {
  it('keeps an unchanged RunThread on its schedule (no tick missed or doubled), restarts a changed one, starts a new one, stops a removed one', async () => {
    const v1 = await version('v1.yaml', ['__usage: {longrunning: true}', 'run:', thread('a', 10), thread('b', 10)].join('\n'));
    const live = rt.live(v1);
    await live.start();
    await logged(/^tick b 1$/);
    await slot(live, 10_000, { a: 2, b: 2 });

    // b's interval changes; c appears; a stays as it was.
    const v2 = await version('v2.yaml', ['__usage: {longrunning: true}', 'run:', thread('a', 10), thread('b', 20), thread('c', 10)].join('\n'));
    const report = await live.swap(v2, plan());
    expect(report).toMatchObject({ kept: ['a'], restarted: [{ id: 'b', reasons: ['item'] }], started: ['c'], stopped: [], refused: [], failed: [] });
    expect(report.error).toBeUndefined();
    // The swap ran no tick of a; b and c ran their first tick at once.
    expect(await rt.unidist.counter.get('a')).toBe(2);
    expect(await rt.unidist.counter.get('b')).toBe(3);
    expect(await rt.unidist.counter.get('c')).toBe(1);

    // a ticks on its old grid: exactly one tick per slot across the swap; b every other slot.
    await slot(live, 10_000, { a: 3, c: 2 });
    await slot(live, 10_000, { a: 4, b: 4, c: 3 });
    await slot(live, 10_000, { a: 5, c: 4 });

    // a removed: it stops; b and c are kept.
    const v3 = await version('v3.yaml', ['__usage: {longrunning: true}', 'run:', thread('b', 20), thread('c', 10)].join('\n'));
    const r3 = await live.swap(v3, plan());
    expect(r3).toMatchObject({ kept: ['b', 'c'], stopped: ['a'], restarted: [], started: [] });
    await slot(live, 10_000, { b: 5, c: 5 });
    await slot(live, 10_000, { c: 6 });
    expect(await rt.unidist.counter.get('a')).toBe(5);
    expect(await rt.unidist.counter.get('b')).toBe(5);
    expect(await rt.unidist.counter.get('c')).toBe(6);
    expect(logs.filter((r) => /skipped/.test(r.msg))).toEqual([]);
    expect(live.block).toBe(v3);
  });

  it('restarts a thread whose script changed code, and only that one', async () => {
    const yaml = ['__usage: {longrunning: true}', 'run:', thread('a', 10), thread('b', 10)].join('\n');
    const live = rt.live(await version('v1.yaml', yaml));
    await live.start();
    const report = await live.swap(await version('v2.yaml', yaml), plan([path.join(dir, 'b.mjs')]));
    expect(report).toMatchObject({ kept: ['a'], restarted: [{ id: 'b', reasons: ['script'] }] });
  });

  it('ends the run simultaneous lists of the old version before the new version starts its own', async () => {
    const yaml = ['__usage: {longrunning: true}', 'run simultaneous:', '  poller: [{script: loop.mjs}]', 'run:', thread('a', 10)].join('\n');
    const live = rt.live(await version('v1.yaml', yaml));
    await live.start();
    await logged(/^loop started 1$/);
    const report = await live.swap(await version('v2.yaml', `${yaml}\n# v2\n`), plan());
    expect(report.listsEnded).toBe(1);
    expect(await rt.unidist.counter.get('loops_ended')).toBe(1); // ended before the swap returned
    await logged(/^loop started 2$/);
    expect(await rt.unidist.counter.get('loops_started')).toBe(2);
    expect(report.kept).toEqual(['a']);
  });

  it("the runtime's stop ends the live block's run simultaneous lists, long after its processing finished", async () => {
    // Its own runtime, on a unidist that outlives it, to read the counters after the stop.
    const unidist = await createUnidist({ backend: 'memory' });
    const own = await Runtime.create({ clock, unidist, logger: createLogger(onLog, 'debug'), maxThreads: 2, stopTimeoutMs: 2000 });
    try {
      const yaml = ['__usage: {longrunning: true}', 'run simultaneous:', '  poller: [{script: loop.mjs}, {script: b.mjs}]', 'run:', thread('a', 10)].join('\n');
      const live = own.live(await version('v1.yaml', yaml));
      await live.start();
      await logged(/^loop started 1$/);
      await own.stop('test');
      expect(await unidist.counter.get('loops_ended')).toBe(1);
      // The list saw its ctx.signal aborted: it ran no further item and did not fail.
      expect(await unidist.counter.get('b')).toBe(0);
      expect(logs.filter((r) => r.level === 'error')).toEqual([]);
    } finally {
      await own.stop();
      await unidist.close();
    }
  });

  it('a version that fails while processing keeps what it did and stops nothing', async () => {
    const live = rt.live(await version('v1.yaml', ['__usage: {longrunning: true}', 'run:', thread('a', 10), thread('b', 10)].join('\n')));
    await live.start();
    const v2 = await version('v2.yaml', ['__usage: {longrunning: true}', 'run:', thread('c', 10), '  - script: boom.mjs', thread('a', 10)].join('\n'));
    const report = await live.swap(v2, plan());
    expect(report.error).toMatchObject({ code: 'PB_ERR_SCRIPT_THROW' });
    expect(report).toMatchObject({ started: ['c'], stopped: [], kept: [] });
    // a and b were not reached: they keep ticking.
    await slot(live, 10_000, { b: 2 });
    expect(await rt.unidist.counter.get('a')).toBe(2);
    expect(live.block.file).toBe(path.join(dir, 'v1.yaml'));
  });

  it('a running thread whose time-series file would change shape is left running as it was', async () => {
    const collect = (fields: string): string => `    timeseries collect: {path: a.rrd, interval: 10, fields: {${fields}}}`;
    const v1 = await version('v1.yaml', ['__usage: {longrunning: true}', 'run:', '  - script: a.mjs', '    cache: 10', '    thread_id: a', collect('n: {type: GAUGE}')].join('\n'));
    const live = rt.live(v1);
    await live.start();
    const v2 = await version('v2.yaml', ['__usage: {longrunning: true}', 'run:', '  - script: a.mjs', '    cache: 10', '    thread_id: a', collect('n: {type: GAUGE}, m: {type: GAUGE}')].join('\n'));
    const report = await live.swap(v2, plan());
    expect(report.refused).toEqual([{ id: 'a', reason: expect.stringMatching(/fields of time-series file .*a\.rrd/) as unknown }]);
    expect(report).toMatchObject({ restarted: [], stopped: [] });
    await slot(live, 10_000, { a: 2 });
    expect(await rt.unidist.counter.get('a')).toBe(2);
    expect(logs.some((r) => r.level === 'error')).toBe(false);
  });
});
