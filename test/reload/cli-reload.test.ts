/**
 * Hot reload through the real CLI on real files (issue 10, done-when 1): `procblock --watch`
 * with a 50 ms debounce. Every wait is on a log line or on the files the block writes; the
 * RunThreads tick every second.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createUnidist } from '../../src/unidist/index.js';
import { tempDir } from '../helpers/cli.js';
import { reloadRecords, rrdInfo, tickScript, WatchedBlock } from './helpers.js';

const tmp = tempDir('procblock-reload-');
afterAll(() => tmp.cleanup());
let running: WatchedBlock | undefined;
afterEach(() => {
  running?.cli.child.kill('SIGKILL');
  running = undefined;
});

const STEADY = [
  "import type { ProcessBlock } from 'procblock';",
  'export const processBlock: ProcessBlock = async (_p, _b, _r, _i, ctx) => {',
  "  const n = await ctx.unidist.counter.increment('steady');",
  "  if (!(await ctx.unidist.state.has('steady', 'first'))) await ctx.unidist.state.set('steady', 'first', n);",
  '  ctx.log.info(`steady tick ${n}`);',
  '  return { n };',
  '};',
  '',
].join('\n');

/** A val.ts whose tick waits until the file `go` exists (the test holds the first processing so). */
const SLOW_FIRST_TICK = [
  "import { existsSync } from 'node:fs';",
  "import path from 'node:path';",
  "import type { ProcessBlock } from 'procblock';",
  'export const processBlock: ProcessBlock = async (_p, _b, _r, _i, ctx) => {',
  "  ctx.log.info('first tick waits for go');",
  "  while (!existsSync(path.join(ctx.cwd, 'go'))) await new Promise((r) => setTimeout(r, 10));",
  '  return { v: 1 };',
  '};',
  '',
].join('\n');

function blockYaml(extra = ''): string {
  return [
    '__usage: {name: reload test, longrunning: true}',
    'run:',
    '  - script: steady.ts',
    '    cache: 1',
    '    thread_id: steady',
    '    timeseries collect: {path: steady.rrd, interval: 1, fields: {n: {type: GAUGE}}}',
    '  - script: val.ts',
    '    cache: 1',
    '    thread_id: val',
    '    timeseries collect: {path: val.rrd, interval: 1, fields: {v: {type: GAUGE}}}',
    extra,
  ].join('\n');
}

let n = 0;
function freshBlock(): string {
  const dir = path.join(tmp.dir, `b${++n}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const w = (f: string, t: string): void => WatchedBlock.prototype.write.call({ dir } as WatchedBlock, f, t);
  w('block.yaml', blockYaml());
  w('steady.ts', STEADY);
  w('val.ts', tickScript('val tick v1', '{ v: 1 }'));
  return dir;
}

/** The persisted unidist of a stopped block: counter `name` and state `name`/`first`. */
async function persisted(stateDir: string, name: string): Promise<{ counter: number; first: unknown }> {
  const u = await createUnidist({ backend: 'memory', stateDir });
  try {
    return { counter: await u.counter.get(name), first: await u.state.get(name, 'first') };
  } finally {
    await u.close();
  }
}

describe('procblock --watch', () => {
  it('a script edit reaches the next tick and its time series; an unchanged RunThread misses no tick and runs none twice across 10 reloads; unidist is kept', async () => {
    const dir = freshBlock();
    const b = (running = WatchedBlock.start(dir, 'block.yaml'));
    await b.ready();
    const firstResult = JSON.parse(b.cli.stdout()) as { run: Record<string, { lastStart: number; runs: number }> };
    const steadyStart = firstResult.run['run_thread.steady']?.lastStart as number;

    for (let v = 2; v <= 11; v++) {
      b.write('val.ts', tickScript(`val tick v${v}`, `{ v: ${v} }`));
      const r = await b.reload(v - 1);
      expect(r).toMatchObject({ outcome: 'applied', restarted: ['val'], kept: ['steady'], started: [], stopped: [] });
      await b.cli.waitFor(new RegExp(`val tick v${v}\\b`), 'stderr');
    }
    // Two more steady ticks after the last reload, then stop.
    const ticks = b.count(/steady tick \d+/);
    await b.waitForCount(/steady tick \d+/, ticks + 2);
    const done = await b.stop();
    expect(done.code).toBe(0);

    const val = await rrdInfo(path.join(dir, 'val.rrd'));
    expect(val.lastDs.v).toBe('11');
    // steady.rrd holds one sample per slot of the thread's first schedule: the sample count (its
    // value n, the unidist counter) matches the slots from the first tick to the last, and the
    // last sample sits on that grid (a restart would have moved it, a doubled tick raised n).
    const steady = await rrdInfo(path.join(dir, 'steady.rrd'));
    const samples = Number(steady.lastDs.n);
    const slots = steady.lastUpdate - steadyStart;
    expect(Math.abs(slots - Math.round(slots))).toBeLessThan(0.05);
    expect(samples).toBe(Math.round(slots) + 1);
    const kept = await persisted(path.join(dir, 'state'), 'steady');
    expect([samples, samples + 1]).toContain(kept.counter); // a tick cut short by the stop may count without a sample
    expect(kept.first).toBe(1); // set by the first tick only: the state outlived the 10 reloads
    expect(samples).toBeGreaterThanOrEqual(3); // the first tick and the two waited for at the end, at least
  });

  it('a script syntax error, a YAML syntax error, a schema error and a bad condition are each rejected with file:line while the old version keeps ticking; fixing them applies', async () => {
    const dir = freshBlock();
    const b = (running = WatchedBlock.start(dir, 'block.yaml'));
    await b.ready();
    const oldTicksAfter = async (): Promise<void> => {
      const seen = b.count(/val tick v1\b/);
      await b.waitForCount(/val tick v1\b/, seen + 1);
    };
    const broken: { file: string; text: string; code: string; where: RegExp }[] = [
      { file: 'val.ts', text: tickScript('val tick v2', '{ v: 2 ;'), code: 'PB_ERR_SCRIPT_SYNTAX', where: /val\.ts:\d+:\d+/ },
      { file: 'block.yaml', text: blockYaml('  - script: [val.ts\n'), code: 'PB_ERR_YAML_SYNTAX', where: /block\.yaml:\d+:\d+/ },
      { file: 'block.yaml', text: blockYaml().replace('cache: 1\n    thread_id: val', 'cache: soon\n    thread_id: val'), code: 'PB_ERR_SCHEMA', where: /block\.yaml:8:\d+/ },
      { file: 'block.yaml', text: blockYaml('if v ===:\n  x: 1\n'), code: 'PB_ERR_CONDITION_SYNTAX', where: /block\.yaml:11:\d+/ },
      // The YAML is fixed; the script is still broken.
      { file: 'block.yaml', text: blockYaml(), code: 'PB_ERR_SCRIPT_SYNTAX', where: /val\.ts:\d+:\d+/ },
    ];
    let seq = 0;
    for (const step of broken) {
      b.write(step.file, step.text);
      const r = await b.reload(++seq);
      expect(r).toMatchObject({ outcome: 'rejected', code: step.code });
      const line = b.stderr.split(`{"reload":${seq},`)[0]?.split('reload ').pop() ?? '';
      expect(line).toMatch(step.where);
      await oldTicksAfter();
    }
    b.write('val.ts', tickScript('val tick v2', '{ v: 2 }'));
    expect(await b.reload(++seq)).toMatchObject({ outcome: 'applied', restarted: ['val'], kept: ['steady'] });
    await b.cli.waitFor(/val tick v2\b/, 'stderr');
    const done = await b.stop();
    expect(done.code).toBe(0);
    expect((await rrdInfo(path.join(dir, 'val.rrd'))).lastDs.v).toBe('2');
  });

  it('refuses a change to the fields of an existing time-series file; removing a RunThread stops it; adding one starts it', async () => {
    const dir = freshBlock();
    const b = (running = WatchedBlock.start(dir, 'block.yaml'));
    await b.ready();

    b.write('block.yaml', blockYaml().replace('fields: {v: {type: GAUGE}}', 'fields: {v: {type: GAUGE}, w: {type: GAUGE}}'));
    expect(await b.reload(1)).toMatchObject({ outcome: 'refused', code: 'PB_ERR_RELOAD_REFUSED' });
    expect(b.stderr).toMatch(/fields of time-series file val\.rrd/);
    const v1 = b.count(/val tick v1\b/);
    await b.waitForCount(/val tick v1\b/, v1 + 1); // the running version carries on

    // Remove `val`: it stops, steady goes on.
    const withoutVal = blockYaml().split('\n').slice(0, 6).join('\n');
    b.write('block.yaml', `${withoutVal}\n`);
    expect(await b.reload(2)).toMatchObject({ outcome: 'applied', stopped: ['val'], kept: ['steady'] });
    const valTicks = b.count(/val tick v1\b/);
    const steadyTicks = b.count(/steady tick \d+/);
    await b.waitForCount(/steady tick \d+/, steadyTicks + 2);
    expect(b.count(/val tick v1\b/)).toBe(valTicks);

    // Add `extra`: it starts.
    b.write('extra.ts', tickScript('extra tick', '{ e: 1 }'));
    b.write('block.yaml', `${withoutVal}\n  - script: extra.ts\n    cache: 1\n    thread_id: extra\n`);
    expect(await b.reload(3)).toMatchObject({ outcome: 'applied', started: ['extra'], kept: ['steady'], stopped: [] });
    await b.cli.waitFor(/extra tick/, 'stderr');
    const done = await b.stop();
    expect(done.code).toBe(0);
    expect(reloadRecords(done.stderr)).toHaveLength(3);
  });

  it('SIGHUP reloads without --watch', async () => {
    const dir = freshBlock();
    const b = (running = new WatchedBlock(dir, ['--state-dir', path.join(dir, 'state'), 'block.yaml']));
    await b.cli.waitFor(/Long-running block/, 'stderr');
    await b.cli.waitFor(/steady tick 2\b/, 'stderr');
    b.write('val.ts', tickScript('val tick v2', '{ v: 2 }'));
    b.cli.child.kill('SIGHUP');
    expect(await b.reload(1)).toMatchObject({ outcome: 'applied', trigger: 'SIGHUP', restarted: ['val'], kept: ['steady'] });
    await b.cli.waitFor(/val tick v2\b/, 'stderr');
    const done = await b.stop();
    expect(done.code).toBe(0);
    expect(done.stderr).not.toMatch(/Watching/);
    expect(readFileSync(path.join(dir, 'val.ts'), 'utf8')).toMatch(/v: 2/);
  });

  it('a SIGHUP while the block is still starting does not end it: the reload runs once it has started', async () => {
    const dir = freshBlock();
    writeFileSync(path.join(dir, 'val.ts'), SLOW_FIRST_TICK);
    const b = (running = new WatchedBlock(dir, ['--state-dir', path.join(dir, 'state'), 'block.yaml']));
    await b.cli.waitFor(/first tick waits for go/, 'stderr');
    b.cli.child.kill('SIGHUP');
    await b.cli.waitFor(/SIGHUP received: reloading/, 'stderr');
    writeFileSync(path.join(dir, 'go'), '');
    expect(await b.reload(1)).toMatchObject({ outcome: 'unchanged', trigger: 'SIGHUP' });
    const done = await b.stop();
    expect(done.code).toBe(0);
  });

  it('an edit saved while the block is still starting is applied once it has started', async () => {
    const dir = freshBlock();
    writeFileSync(path.join(dir, 'val.ts'), SLOW_FIRST_TICK);
    const b = (running = WatchedBlock.start(dir, 'block.yaml'));
    await b.cli.waitFor(/first tick waits for go/, 'stderr');
    await b.cli.waitFor(/Watching \d+ file\(s\)/, 'stderr');
    b.write('val.ts', tickScript('val tick v2', '{ v: 2 }'));
    writeFileSync(path.join(dir, 'go'), '');
    expect(await b.reload(1)).toMatchObject({ outcome: 'applied', restarted: ['val'] });
    await b.cli.waitFor(/val tick v2\b/, 'stderr');
    expect((await b.stop()).code).toBe(0);
  });
});
