/**
 * The demos, run as a user runs them (real CLI, real signals), in a copy of their folder so the
 * repository stays clean. Synchronised on the runtime's own log lines, never on sleeps.
 */
import { cpSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';
import { RrdFile } from '../../dist/timeseries/rrd/index.js';
import { createUnidist } from '../../dist/unidist/index.js';
import { repoRoot, startCli, tempDir } from '../helpers/cli.js';
import { expectPushpullBalanced } from './pushpull-check.js';

const tmp = tempDir('procblock-demos-');
afterAll(() => tmp.cleanup());

function copyDemo(name: string): string {
  const dir = path.join(tmp.dir, name);
  // Only the demo's own files: not what an earlier run left beside them (files, state, graphs).
  cpSync(path.join(repoRoot, 'demos', name), dir, {
    recursive: true,
    filter: (src) => !/\.(rrd|png|pid|log)$|\.procblock/.test(src),
  });
  return dir;
}

/** Times (epoch s) of every sample the collector reported as written. */
function sampleTimes(stderr: string): number[] {
  return [...stderr.matchAll(/sample written \{[^\n]*"time":([0-9.]+)/g)].map((m) => Number(m[1]));
}

describe('demos/simplest/simplest_monitor.yaml', () => {
  it('runs for a minute: >= 11 samples in simplest.rrd, a graph that shows them, exit 0 on Ctrl-C', async () => {
    const dir = copyDemo('simplest');
    const p = startCli(['--log-level', 'debug', path.join(dir, 'simplest_monitor.yaml')]);
    // Ticks come every 5 s: the 12th sample is written 55 s after the first.
    await p.waitFor(/(?:sample written[^]*?){12}/, 'stderr');
    p.child.kill('SIGINT');
    const r = await p.done;
    expect(r.code).toBe(0);

    const times = sampleTimes(r.stderr);
    expect(times.length).toBeGreaterThanOrEqual(12);
    const last = times[times.length - 1] as number;
    const rrd = await RrdFile.open(path.join(dir, 'simplest.rrd'));
    try {
      const info = rrd.info();
      // The last tick's sample is in the file.
      expect(info.lastUpdate + info.lastUpdateUsec / 1e6).toBeCloseTo(last, 5);
      const first = times[0] as number;
      const f = rrd.fetch({ cf: 'AVERAGE', start: Math.floor(first) - 10, end: Math.ceil(last) + 5 });
      const column = f.columns[0] as Float64Array;
      // Every 5-s step that the samples cover entirely (from one step before the first sample,
      // where the file starts, to the last sample) holds a value.
      const covered: number[] = [];
      for (let i = 0; i < f.rows; i++) {
        const end = f.start + (i + 1) * f.step;
        if (end - f.step >= Math.floor(first) - 5 && end <= last) covered.push(i);
      }
      const diagnosis = JSON.stringify({ times, start: f.start, rows: [...column] });
      expect(covered.length, diagnosis).toBeGreaterThanOrEqual(11);
      for (const i of covered) expect(Number.isNaN(column[i]), diagnosis).toBe(false);
      const known = [...column].filter((v) => !Number.isNaN(v));
      for (const v of known) expect(v).toBeGreaterThanOrEqual(0);
      for (const v of known) expect(v).toBeLessThanOrEqual(100);
    } finally {
      await rrd.close();
    }

    const png = PNG.sync.read(readFileSync(path.join(dir, 'simplest.png')));
    expect(png.width).toBeGreaterThan(600);
    // The STACK area colour of the first field (#EA644A) is drawn at the right end of the plot,
    // where the last minute of the last hour is.
    let coloured = 0;
    let rightmost = 0;
    for (let y = 0; y < png.height; y++) {
      for (let x = 0; x < png.width; x++) {
        const i = (y * png.width + x) * 4;
        const [rd, g, b] = [png.data[i] as number, png.data[i + 1] as number, png.data[i + 2] as number];
        if (Math.abs(rd - 0xea) < 8 && Math.abs(g - 0x64) < 8 && Math.abs(b - 0x4a) < 8) {
          coloured++;
          rightmost = Math.max(rightmost, x);
        }
      }
    }
    expect(coloured).toBeGreaterThan(50);
    expect(rightmost).toBeGreaterThan(png.width * 0.9);
  }, 120_000);
});

describe('demos/pushpull/pushpull.yaml', () => {
  it('pushes every second, pulls every 3 s, stops on Ctrl-C; nothing is lost', async () => {
    const dir = copyDemo('pushpull');
    const stateDir = path.join(dir, 'state');
    const p = startCli(['--state-dir', stateDir, path.join(dir, 'pushpull.yaml')]);
    await p.waitFor(/"run simultaneous"/, 'stdout');
    // Two pulls after the first: the puller has drained messages the pusher added meanwhile.
    await p.waitFor(/pulled \d+ message\(s\)[^]*pulled \d+ message\(s\)[^]*pulled [1-9]\d* message\(s\)/, 'stderr');
    p.child.kill('SIGINT');
    const r = await p.done;
    expect(r.code).toBe(0);
    const printed = JSON.parse(r.stdout) as Record<string, Record<string, unknown>>;
    expect(printed['run simultaneous']).toMatchObject({ pusher: { status: 'running' }, puller: { status: 'running' } });

    await expectPushpullBalanced(await createUnidist({ backend: 'memory', stateDir }));
  }, 60_000);
});
