/**
 * Derived fields over files written by another process, the thread's own window and another
 * thread's window (SPEC §9), against hand-computed values; and the refill of a window from the
 * thread's own file at start. Files are written by a child process; we only ever read them.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveDerive } from '../../src/config/derive-config.js';
import { createLogger, type LogRecord } from '../../src/core/logger.js';
import { DerivedFields } from '../../src/derive/derived-fields.js';
import { refillFromRrd } from '../../src/windows/refill.js';
import { SampleWindow } from '../../src/windows/sample-window.js';
import { repoRoot, tempDir } from '../helpers/cli.js';

const tmp = tempDir('procblock-derive-');
afterAll(() => tmp.cleanup());
const T = 1_767_225_600; // 2026-01-01T00:00:00Z, a multiple of 5

/** Write `file` from a separate process, as another procblock (or rrdtool user) would. */
function writeElsewhere(file: string, updates: [number, number | 'U'][], field = 'ms', step = 5, start = T - 20): void {
  execFileSync(process.execPath, [path.join(repoRoot, 'test/fixtures/alerts/write-rrd.mjs'), file, String(step), String(start), updates.map(([t, v]) => `${t}:${v}`).join(','), field], {
    env: { ...process.env, PROCBLOCK_DIST: path.join(repoRoot, 'dist') },
  });
}

function derive(fields: Record<string, string>, sources: Record<string, string>): DerivedFields {
  const { spec, problems } = resolveDerive({ fields, sources }, ['x']);
  if (!spec) throw new Error(JSON.stringify(problems));
  return new DerivedFields(spec, tmp.dir, logger);
}
const logs: LogRecord[] = [];
const logger = createLogger((r) => logs.push(r), 'debug');

describe('derive sources: round-robin files written by another process', () => {
  it('reads their rows (read-only), combines them with threads’ windows, goes stale, re-reads on change', async () => {
    const a = path.join(tmp.dir, 'web1.rrd');
    const b = path.join(tmp.dir, 'web2.rrd');
    writeElsewhere(a, [[T - 15, 50], [T - 10, 100], [T - 5, 200]]);
    writeElsewhere(b, [[T - 15, 1], [T - 10, 2], [T - 5, 'U']]);
    const before = readFileSync(a);
    const d = derive(
      {
        total: 'web1.ms + web2.ms',
        newest2: 'last(web2.ms)',
        avg1: 'avg(web1.ms, 20s)',
        max2: 'max(web2.ms, last 3)',
        scaled: 'total * own_factor + db.lag',
      },
      { web1: 'web1.rrd', web2: 'web2.rrd' },
    );
    const own = new SampleWindow(4, 5000);
    own.addField('own_factor', 'gauge');
    own.addField('total', 'gauge');
    own.push(T * 1000, (f) => (f === 'own_factor' ? 10 : NaN));
    const db = new SampleWindow(2, 5000);
    db.addField('lag', 'gauge');
    db.push((T - 2) * 1000, () => 7);
    const ctx = (now: number) => ({ now: now * 1000, series: (t: string | undefined) => (t === undefined ? own : (d.source(t) ?? (t === 'db' ? db : undefined))) });

    await d.refresh();
    // web2's newest row is unknown: the sum is unknown; windows skip it.
    expect(d.compute(ctx(T), own)).toEqual({ total: null, newest2: null, avg1: (50 + 100 + 200) / 3, max2: 2, scaled: null });

    writeElsewhere(b, [[T, 4]]); // the other process goes on
    await d.refresh();
    const v = d.compute(ctx(T), own);
    expect(v).toEqual({ total: 204, newest2: 4, avg1: (50 + 100 + 200) / 3, max2: 4, scaled: 204 * 10 + 7 });
    expect(own.value(own.column('total'), own.length - 1)).toBe(204); // the sample holds derived values

    // 11 s after web1's newest row (two steps = 10 s): web1 has no current value.
    expect(d.compute(ctx(T + 6), own).total).toBeNull();
    expect(readFileSync(a).equals(before)).toBe(true); // never written by us
  });

  it('a missing file is unknown, warned once; it is read once it appears', async () => {
    const d = derive({ x: 'later.ms * 2' }, { later: 'later.rrd' });
    const ctx = { now: T * 1000, series: (t: string | undefined) => (t === undefined ? undefined : d.source(t)) };
    await d.refresh();
    await d.refresh();
    expect(d.compute(ctx, undefined)).toEqual({ x: null });
    expect(logs.filter((r) => r.level === 'warn' && r.msg.includes('later.rrd is not readable'))).toHaveLength(1);
    writeElsewhere(path.join(tmp.dir, 'later.rrd'), [[T - 15, 1], [T - 10, 2], [T - 5, 3]]);
    await d.refresh();
    expect(d.compute(ctx, undefined)).toEqual({ x: 6 });
  });
});

describe('refilling a window from the thread’s own file', () => {
  it('the newest GAUGE rows become samples at their row times; the empty past is skipped', async () => {
    const file = path.join(tmp.dir, 'own.rrd');
    writeElsewhere(file, [[T - 15, 10], [T - 10, 20], [T - 5, 30]], 'v'); // created at T − 20: rows before are its empty past
    const mtime = statSync(file).mtimeMs;
    const w = new SampleWindow(5, 5000);
    w.addField('v', 'gauge');
    w.addField('other', 'counter');
    expect(await refillFromRrd(w, file, ['v'], logger)).toBe(3);
    expect(Array.from({ length: w.length }, (_, i) => [w.time(i) / 1000 - T, w.value(0, i), w.value(1, i)])).toEqual([
      [-15, 10, NaN],
      [-10, 20, NaN],
      [-5, 30, NaN],
    ]);
    expect(statSync(file).mtimeMs).toBe(mtime);
    // Only as many rows as the window holds.
    const small = new SampleWindow(2, 5000);
    small.addField('v', 'gauge');
    await refillFromRrd(small, file, ['v'], logger);
    expect([small.value(0, 0), small.value(0, 1)]).toEqual([20, 30]);
    // No file, or no GAUGE field tracked: nothing.
    expect(await refillFromRrd(new SampleWindow(2, 5000), path.join(tmp.dir, 'none.rrd'), ['v'], logger)).toBe(0);
  });
});
