/**
 * Issue 7 point 8 through the real CLI (`procblock rrd graph`), read back from the PNG: more than
 * five fields get distinct colours, and the time axis has at least 4 ticks at any period.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AREA_COLORS } from '../../src/graph/palette.js';
import { GRAPH_COLORS } from '../../src/graph/chart-spec.js';
import { runCli, tempDir } from '../helpers/cli.js';

const tmp = tempDir('procblock-graph-cli-');
afterAll(() => tmp.cleanup());
const at = (name: string): string => path.join(tmp.dir, name);
const FIELDS = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
const NOW = 1_700_000_000;

beforeAll(async () => {
  const ds = FIELDS.map((f) => `DS:${f}:GAUGE:120:U:U`);
  expect((await runCli(['rrd', 'create', at('m.rrd'), '--step', '60', '--start', String(NOW - 7200), ...ds, 'RRA:AVERAGE:0.5:1:100000'])).code).toBe(0);
  const samples: string[] = [];
  for (let t = NOW - 7200 + 60; t <= NOW; t += 60) samples.push(`${t}:${FIELDS.map((_, i) => i + 1).join(':')}`);
  expect((await runCli(['rrd', 'update', at('m.rrd'), ...samples])).code).toBe(0);
});

function decode(file: string): PNG {
  return PNG.sync.read(readFileSync(file));
}
const hexAt = (png: PNG, x: number, y: number): string => {
  const i = (y * png.width + x) * 4;
  return `#${[0, 1, 2].map((k) => (png.data[i + k] ?? 0).toString(16).padStart(2, '0')).join('')}`.toUpperCase();
};

describe('procblock rrd graph', () => {
  it('eight stacked fields are eight distinct colours, each the palette\'s', async () => {
    const r = await runCli(['rrd', 'graph', at('m.rrd'), at('stack.png'), '--method', 'STACK', '--period', '1h', '--end', String(NOW)]);
    expect(r.code).toBe(0);
    const png = decode(at('stack.png'));
    const seen = new Set<string>();
    for (let y = 0; y < png.height; y++) for (let x = 0; x < png.width; x++) seen.add(hexAt(png, x, y));
    for (const c of AREA_COLORS.slice(0, FIELDS.length)) expect(seen.has(c.toUpperCase()), c).toBe(true);
    expect(new Set(AREA_COLORS.slice(0, FIELDS.length)).size).toBe(FIELDS.length);
  });

  it('the time axis has at least 4 ticks at every period', async () => {
    for (const period of ['90s', '1h', '1d', '3w', '52w', '104w']) {
      const file = at(`axis-${period}.png`);
      expect((await runCli(['rrd', 'graph', at('m.rrd'), file, '--period', period, '--end', String(NOW)])).code).toBe(0);
      expect(xTicks(decode(file)), period).toBeGreaterThanOrEqual(4);
    }
  });
});

/** Tick marks under the x axis: the axis is the lowest row that is axis-coloured across the plot. */
function xTicks(png: PNG): number {
  const axis = GRAPH_COLORS.axis.toUpperCase();
  const isAxisRow = (y: number): boolean => {
    let n = 0;
    for (let x = Math.floor(png.width * 0.2); x < png.width * 0.8; x++) if (hexAt(png, x, y) === axis) n++;
    return n > png.width * 0.55;
  };
  let axisRow = -1;
  for (let y = 0; y < png.height * 0.9; y++) if (isAxisRow(y)) axisRow = y;
  expect(axisRow).toBeGreaterThan(0);
  let ticks = 0;
  for (let x = 0; x < png.width; x++) if (hexAt(png, x, axisRow + 2) === axis) ticks++;
  return ticks;
}
