import { execFile, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runRrdCommand } from '../../src/cli/rrd-command.js';
import { resolveTimeRange } from '../../src/cli/rrd-time.js';
import { lockRrdFile } from '../../src/timeseries/rrd/index.js';
import { repoRoot } from '../helpers/cli.js';
import { requireSystemTool } from '../helpers/system-tool.js';

const rrdMain = join(repoRoot, 'dist', 'cli', 'rrd-main.js');
const haveRrdtool = requireSystemTool('rrdtool', ['--version'], 'the `procblock rrd` tests against rrdtool');

function runNode(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, args, { cwd: dir }, (err, stdout, stderr) => {
      if (err && typeof err.code !== 'number') reject(err);
      else resolve({ code: err ? (err.code as number) : 0, stdout, stderr });
    });
  });
}

const T0 = 1_000_000_000;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pb-rrd-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function rrd(...argv: string[]): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await runRrdCommand(argv, {
    stdout: (s) => (stdout += s),
    stderr: (s) => (stderr += s),
    cwd: dir,
    now: () => (T0 + 40) * 1000,
  });
  return { code, stdout, stderr };
}

function rrdtool(...args: string[]): string {
  return execFileSync('rrdtool', args, { cwd: dir, encoding: 'utf8' });
}

const DEFS = ['DS:in:COUNTER:20:0:U', 'DS:temp:GAUGE:20:U:U', 'RRA:AVERAGE:0.5:1:10', 'RRA:MAX:0.5:3:5'];
const UPDATES = [`${T0 + 10}:5:1.5`, `${T0 + 20}:25:2`, `${T0 + 30}:U:3`];

/** The same file made by procblock (ours.rrd) and by rrdtool (ref.rrd). */
async function makePair(ours: string, ref: string): Promise<void> {
  expect((await rrd('create', ours, '--step', '10', '--start', String(T0), ...DEFS)).code).toBe(0);
  expect((await rrd('update', ours, ...UPDATES)).code).toBe(0);
  rrdtool('create', ref, '--start', String(T0), '--step', '10', ...DEFS);
  rrdtool('update', ref, ...UPDATES);
}

describe.runIf(haveRrdtool)('procblock rrd against rrdtool', () => {
  beforeAll(async () => {
    await makePair('a.rrd', 'a-ref.rrd');
  });

  it('fetch prints exactly what rrdtool fetch prints', async () => {
    const r = await rrd('fetch', 'a.rrd', '--start', String(T0 - 10), '--end', String(T0 + 40));
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(rrdtool('fetch', 'a-ref.rrd', 'AVERAGE', '-s', String(T0 - 10), '-e', String(T0 + 40)));
    const max = await rrd('fetch', 'a.rrd', '--cf', 'max', '--start', String(T0 - 60), '--end', String(T0 + 60));
    expect(max.stdout).toBe(rrdtool('fetch', 'a-ref.rrd', 'MAX', '-s', String(T0 - 60), '-e', String(T0 + 60)));
  });

  it('fetch --format json gives rows by end time with null for unknown', async () => {
    const r = await rrd('fetch', 'a.rrd', '--start', String(T0), '--end', String(T0 + 30), '--format', 'json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as { step: number; dsNames: string[]; rows: { time: number; values: Record<string, number | null> }[] };
    expect(j.step).toBe(10);
    expect(j.dsNames).toEqual(['in', 'temp']);
    expect(j.rows.find((row) => row.time === T0 + 20)?.values).toEqual({ in: 2, temp: 2 });
    expect(j.rows.find((row) => row.time === T0 + 30)?.values).toEqual({ in: null, temp: 3 });
  });

  it('info has rrdtool info lines (file layout details aside)', async () => {
    const ours = (await rrd('info', 'a.rrd')).stdout.split('\n');
    const ref = rrdtool('info', 'a-ref.rrd').split('\n');
    const comparable = (l: string) => !/^(filename|header_size|rra\[\d+\]\.cur_row) /.test(l);
    expect(ours.filter(comparable)).toEqual(ref.filter(comparable));
    expect(ours[0]).toBe('filename = "a.rrd"');
    const json = JSON.parse((await rrd('info', 'a.rrd', '--format', 'json')).stdout) as { step: number; ds: unknown[] };
    expect(json.step).toBe(10);
    expect(json.ds).toHaveLength(2);
  });

  it('last and first match rrdtool', async () => {
    expect((await rrd('last', 'a.rrd')).stdout).toBe(rrdtool('last', 'a-ref.rrd'));
    expect((await rrd('first', 'a.rrd')).stdout).toBe(rrdtool('first', 'a-ref.rrd'));
    expect((await rrd('first', 'a.rrd', '--rra', '1')).stdout).toBe(rrdtool('first', '--rraindex', '1', 'a-ref.rrd'));
    const bad = await rrd('first', 'a.rrd', '--rra', '2');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^error: .*--rra 2/);
  });

  it('dump → restore round-trips, and rrdtool reads our dump (and we read its)', async () => {
    expect((await rrd('dump', 'a.rrd', 'a.xml')).code).toBe(0);
    const toStdout = await rrd('dump', 'a.rrd');
    expect(toStdout.stdout).toBe(await readFile(join(dir, 'a.xml'), 'utf8'));
    expect((await rrd('restore', 'a.xml', 'b.rrd')).code).toBe(0);
    const range = ['--start', String(T0 - 10), '--end', String(T0 + 40)];
    const want = (await rrd('fetch', 'a.rrd', ...range)).stdout;
    expect((await rrd('fetch', 'b.rrd', ...range)).stdout).toBe(want);
    rrdtool('restore', 'a.xml', 'b-ref.rrd');
    expect(rrdtool('fetch', 'b-ref.rrd', 'AVERAGE', '-s', String(T0 - 10), '-e', String(T0 + 40))).toBe(want);
    await writeFile(join(dir, 'ref.xml'), rrdtool('dump', 'a-ref.rrd'));
    expect((await rrd('restore', 'ref.xml', 'c.rrd')).code).toBe(0);
    expect((await rrd('fetch', 'c.rrd', ...range)).stdout).toBe(want);
  });

  it('restore and create refuse to replace a file without --force', async () => {
    const before = await readFile(join(dir, 'b.rrd'));
    const r = await rrd('restore', 'a.xml', 'b.rrd');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: .*b\.rrd exists.*--force/);
    expect((await readFile(join(dir, 'b.rrd'))).equals(before)).toBe(true);
    expect((await rrd('restore', 'a.xml', 'b.rrd', '--force')).code).toBe(0);
    const c = await rrd('create', 'b.rrd', '--step', '5', 'DS:x:GAUGE:10:U:U');
    expect(c.code).toBe(2);
    expect(c.stderr).toMatch(/exists/);
  });
});

describe('procblock rrd create/update', () => {
  it('create without RRA:… uses the default archives of SPEC §6', async () => {
    expect((await rrd('create', 'd.rrd', '--step', '5', '--start', String(T0), 'DS:x:GAUGE:10:0:100')).code).toBe(0);
    const info = JSON.parse((await rrd('info', 'd.rrd', '--format', 'json')).stdout) as { rra: { cf: string; steps: number; rows: number }[] };
    expect(info.rra.map((a) => [a.cf, a.steps, a.rows])).toEqual([
      ['AVERAGE', 1, 86_400],
      ['AVERAGE', 10, 1008],
      ['MAX', 10, 1008],
      ['MIN', 10, 1008],
      ['AVERAGE', 60, 8544],
    ]);
  });

  it('update takes N for now, U for unknown and --template order', async () => {
    expect((await rrd('create', 'e.rrd', '--step', '10', '--start', String(T0), 'DS:a:GAUGE:20:U:U', 'DS:b:GAUGE:20:U:U', 'RRA:LAST:0:1:10')).code).toBe(0);
    expect((await rrd('update', 'e.rrd', '--template', 'b:a', `${T0 + 10}:1:2`, `${T0 + 20}:U:4`)).code).toBe(0);
    expect((await rrd('update', 'e.rrd', 'N:7:8')).code).toBe(0); // now = T0 + 40
    expect((await rrd('last', 'e.rrd')).stdout).toBe(`${T0 + 40}\n`);
    const j = JSON.parse((await rrd('fetch', 'e.rrd', '--cf', 'LAST', '--start', String(T0), '--end', String(T0 + 40), '--format', 'json')).stdout) as {
      rows: { time: number; values: Record<string, number | null> }[];
    };
    expect(j.rows.find((r) => r.time === T0 + 10)?.values).toEqual({ a: 2, b: 1 });
    expect(j.rows.find((r) => r.time === T0 + 20)?.values).toEqual({ a: 4, b: null });
  });

  it('an update in the past is a runtime failure (exit 1) with the store’s code', async () => {
    const r = await rrd('update', 'e.rrd', `${T0 + 5}:1:1`);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error\[PB_ERR_RRD_UPDATE\]/);
  });

  it.each([
    [['update', 'e.rrd', `${T0 + 50}:1`], /1 value\(s\) for 2 data source/],
    [['update', 'e.rrd', `${T0 + 50}:1:x`], /"x" for b is not a number/],
    [['update', 'e.rrd', 'yesterday:1:2'], /time must be epoch seconds or N/],
    [['update', 'e.rrd', '--template', 'a:zz', `${T0 + 50}:1:2`], /--template names zz/],
    [['update', 'e.rrd'], /missing time:value/],
    [['create', 'f.rrd', 'DS:x:GAUGE:10:U:U'], /--step N is required/],
    [['create', 'f.rrd', '--step', '5'], /at least one DS/],
    [['create', 'f.rrd', '--step', '5', 'DS:x:GAUGE:10:U'], /bad data source "DS:x:GAUGE:10:U"/],
    [['create', 'f.rrd', '--step', '5', 'DS:x:KELVIN:10:U:U'], /type must be one of/],
    [['create', 'f.rrd', '--step', '5', 'DS:x:GAUGE:10:U:U', 'RRA:AVERAGE:1.5:1:10'], /xff/],
    [['create', 'f.rrd', '--step', '5', 'DS:x:GAUGE:10:U:U', 'DS:x:GAUGE:10:U:U'], /defined twice/],
    [['create', 'f.rrd', '--step', '0', 'DS:x:GAUGE:10:U:U'], /--step must be a whole number/],
    [['create', 'f.rrd', '--step', '5', 'DS:x:GAUGE:10:U:U', 'bogus'], /neither DS/],
  ])('%j is bad usage (exit 2): %s', async (argv, message) => {
    const r = await rrd(...argv);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: /);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
    expect(existsSync(join(dir, 'f.rrd'))).toBe(false);
  });

  it('accepts rrdtool 1.4+ durations in RRA steps/rows', async () => {
    expect((await rrd('create', 'g.rrd', '--step', '5', 'DS:x:GAUGE:10:U:U', 'RRA:AVERAGE:0.5:1m:1d')).code).toBe(0);
    const info = JSON.parse((await rrd('info', 'g.rrd', '--format', 'json')).stdout) as { rra: { steps: number; rows: number }[] };
    expect(info.rra[0]).toMatchObject({ steps: 12, rows: 1440 });
  });
});

describe('procblock rrd graph', () => {
  beforeAll(async () => {
    // Two hours of 10-second data; the middle 20 minutes unknown.
    expect((await rrd('create', 'h.rrd', '--step', '10', '--start', String(T0 - 7200), 'DS:load:GAUGE:20:U:U', 'RRA:AVERAGE:0.5:1:1000')).code).toBe(0);
    const samples: string[] = [];
    for (let t = T0 - 7190; t <= T0; t += 10) {
      const gap = t > T0 - 3000 && t <= T0 - 1800;
      samples.push(`${t}:${gap ? 'U' : (Math.sin(t / 600) + 1.5).toFixed(3)}`);
    }
    expect((await rrd('update', 'h.rrd', ...samples)).code).toBe(0);
  });

  it('renders a PNG of the requested plot size, atomically in place', async () => {
    const r = await rrd('graph', 'h.rrd', 'out/h.png', '--title', 'Load', '--period', '1h', '--end', String(T0), '--width', '400', '--height', '120', '--method', 'stack');
    expect(r).toEqual({ code: 0, stdout: '', stderr: '' });
    const img = PNG.sync.read(await readFile(join(dir, 'out', 'h.png')));
    expect(img.width).toBeGreaterThan(400);
    expect(img.width).toBeLessThan(520);
    expect(img.height).toBeGreaterThan(120);
    expect(img.height).toBeLessThan(240);
    // The (opaque) STACK colour of the first field, #EA644A, fills a good part of the plot.
    let areaPixels = 0;
    for (let i = 0; i < img.data.length; i += 4) {
      const [r = 0, g = 0, b = 0] = [img.data[i], img.data[i + 1], img.data[i + 2]];
      if (Math.abs(r - 0xea) < 4 && Math.abs(g - 0x64) < 4 && Math.abs(b - 0x4a) < 4) areaPixels++;
    }
    expect(areaPixels).toBeGreaterThan(400 * 120 * 0.2);
  });

  it.each([
    [['--method', 'PIE'], /--method/],
    [['--period', 'forever'], /--period/],
    [['--width', '5'], /--width/],
    [['--colors', 'red'], /--colors/],
    [['--fields', 'nope'], /nope/],
    [['--bogus', '1'], /unknown option --bogus/],
  ])('bad graph option %j → exit 2 naming it', async (extra, message) => {
    const r = await rrd('graph', 'h.rrd', 'bad.png', ...extra);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error/);
    expect(r.stderr).toMatch(message);
    expect(existsSync(join(dir, 'bad.png'))).toBe(false);
  });
});

describe('procblock rrd usage', () => {
  it('--help prints the commands on stdout and exits 0', async () => {
    const r = await rrd('--help');
    expect(r.code).toBe(0);
    for (const c of ['fetch', 'info', 'last', 'first', 'graph', 'dump', 'restore', 'create', 'update']) expect(r.stdout).toContain(`  ${c} `);
    expect((await rrd('fetch', '--help')).code).toBe(0);
  });

  it.each([
    [[], /no rrd command/],
    [['frob'], /unknown rrd command "frob"/],
    [['fetch'], /missing <file>/],
    [['fetch', 'missing.rrd'], /no such file missing\.rrd/],
    [['fetch', 'a.rrd', '--cf', 'MEDIAN'], /--cf must be one of/],
    [['fetch', 'a.rrd', '--format', 'xml'], /--format must be text or json/],
    [['fetch', 'a.rrd', '--start', 'teatime'], /cannot read the time "teatime"/],
    [['fetch', 'a.rrd', '--start'], /--start needs a value/],
    [['last', 'a.rrd', 'extra'], /unexpected argument "extra"/],
    [['graph', 'a.rrd'], /missing <out\.png>/],
  ])('%j → exit 2: %s', async (argv, message) => {
    const r = await rrd(...argv);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: /);
    expect(r.stderr).toMatch(message);
  });

  it('a file that is not a round-robin file is reported, not crashed on', async () => {
    await writeFile(join(dir, 'junk.rrd'), 'hello, not an rrd');
    const r = await rrd('info', 'junk.rrd');
    expect([1, 2]).toContain(r.code);
    expect(r.stderr).toMatch(/^error\[PB_ERR_/);
  });
});

describe('resolveTimeRange', () => {
  const now = 1_700_000_000;
  it.each([
    [undefined, undefined, [now - 86_400, now]],
    ['-1h', undefined, [now - 3600, now]],
    ['end-2h', 'now-1h', [now - 3 * 3600, now - 3600]],
    ['1699990000', 'start+1h', [1_699_990_000, 1_699_993_600]],
    ['now-30m', '-5m', [now - 1800, now - 300]],
  ])('%s .. %s', (s, e, want) => {
    const r = resolveTimeRange(s, e, now, 86_400);
    expect([r.start, r.end]).toEqual(want);
  });

  it('rejects circular and inverted ranges', () => {
    expect(() => resolveTimeRange('end-1h', 'start+1h', now, 1)).toThrow(/relative to each other/);
    expect(() => resolveTimeRange('now', 'now-1h', now, 1)).toThrow(/before/);
  });
});

describe('procblock rrd as a process (dist/cli/rrd-main.js)', () => {
  it('rrd last prints the time and exits 0; bad usage exits 2', async () => {
    expect((await rrd('create', 'p.rrd', '--step', '10', '--start', String(T0), ...DEFS)).code).toBe(0);
    expect((await rrd('update', 'p.rrd', ...UPDATES)).code).toBe(0);
    const ok = await runNode([rrdMain, 'last', join(dir, 'p.rrd')]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toBe(`${T0 + 30}\n`);
    const bad = await runNode([rrdMain, 'last']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/error: .*missing <file>/);
    expect((await stat(join(dir, 'p.rrd'))).size).toBeGreaterThan(0);
  });

  it('update, restore --force and create --force refuse a file another writer holds (exit 2, naming it and the pid); reads go on', async () => {
    expect((await rrd('create', 'q.rrd', '--step', '10', '--start', String(T0), ...DEFS)).code).toBe(0);
    expect((await rrd('dump', 'q.rrd', 'q.xml')).code).toBe(0);
    const file = join(dir, 'q.rrd');
    const before = await readFile(file);
    const lock = lockRrdFile(file); // this test process is the other writer
    try {
      const up = await runNode([rrdMain, 'update', file, `${T0 + 10}:1:2`]);
      expect(up.code).toBe(2);
      expect(up.stderr).toMatch(/^error\[PB_ERR_RRD_LOCKED\]/);
      expect(up.stderr).toContain(file);
      expect(up.stderr).toContain(`process ${process.pid}`);
      for (const argv of [['restore', 'q.xml', 'q.rrd', '--force'], ['create', 'q.rrd', '--force', '--step', '5', 'DS:x:GAUGE:10:U:U']]) {
        const r = await runNode([rrdMain, ...argv]);
        expect(r.code, argv.join(' ')).toBe(2);
        expect(r.stderr).toMatch(/^error\[PB_ERR_RRD_LOCKED\]/);
      }
      expect((await readFile(file)).equals(before)).toBe(true);
      const last = await runNode([rrdMain, 'last', file]);
      expect(last).toMatchObject({ code: 0, stdout: `${T0}\n` });
    } finally {
      lock.release();
    }
    expect((await runNode([rrdMain, 'update', file, `${T0 + 10}:1:2`])).code).toBe(0);
  });
});
