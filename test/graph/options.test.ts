import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.js';
import { parseDurationSeconds, parseGraphPeriod, formatDuration, GRAPH_PERIOD_NAMES } from '../../src/graph/period.js';
import { graphRequest } from '../../src/web/graph-route.js';
import { parseGraphOptions } from '../../src/graph/options.js';

function errorOf(fn: () => unknown): InputError {
  try {
    fn();
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  throw new Error('expected an InputError');
}

describe('parseDurationSeconds', () => {
  it.each([
    ['1h', 3600],
    ['30m', 1800],
    ['1d', 86_400],
    ['2w', 1_209_600],
    ['90s', 90],
    ['1h30m', 5400],
    ['3600', 3600],
    [3600, 3600],
    [' 1D ', 86_400],
  ])('%j → %d s', (text, seconds) => {
    expect(parseDurationSeconds(text)).toBe(seconds);
  });

  it.each(['', 'h', '1x', '-5', '0', '1h-', 'soon', null, {}, -3, Number.NaN])('rejects %j', (text) => {
    expect(parseDurationSeconds(text)).toBeUndefined();
  });

  it('formats back, months and years too', () => {
    expect(formatDuration(3600)).toBe('1h');
    expect(formatDuration(5400)).toBe('1h30m');
    expect(formatDuration(86_400 * 8)).toBe('1w1d');
    expect(formatDuration(86_400 * 30)).toBe('1mo');
    expect(formatDuration(86_400 * 31)).toBe('1mo1d');
    expect(formatDuration(86_400 * 365)).toBe('1y');
  });
});

describe('graph periods: one grammar for the YAML, rrd graph --period and ?period=', () => {
  it.each([
    ['1h', 3600],
    ['1d', 86_400],
    ['1w', 604_800],
    ['1m', 2_592_000], // the period name: a month
    [' 1M ', 2_592_000],
    ['1y', 31_536_000],
    ['30m', 1800], // any other m is minutes
    ['2m', 120],
    ['1h30m', 5400],
    ['3mo', 7_776_000],
    ['1mo', 2_592_000],
    ['90d', 7_776_000],
    ['3600', 3600],
    [600, 600],
  ])('%j → %d s', (text, seconds) => {
    expect(parseGraphPeriod(text)).toBe(seconds);
  });

  it('the period names are the same spans everywhere: the YAML, the CLI (parseGraphOptions) and dropSTAR', () => {
    for (const [name, seconds] of Object.entries(GRAPH_PERIOD_NAMES)) {
      expect(parseGraphOptions({ path: 'x.png', period: name }, 'graph').period).toBe(seconds);
      const q = graphRequest(parseGraphOptions({ path: 'x.png' }, 'graph'), new URLSearchParams({ period: name }));
      expect(q.ok && q.options.period).toBe(seconds);
    }
    expect(parseGraphOptions({ path: 'x.png', period: '1y' }, 'graph').period).toBe(31_536_000);
    expect(parseGraphOptions({ path: 'x.png', period: '30m' }, 'graph').period).toBe(1800);
  });

  it('dropSTAR takes any graph period from a minute to ten years, and names the rule otherwise', () => {
    const declared = parseGraphOptions({ path: 'x.png' }, 'graph');
    const ask = (period: string): number | string => {
      const r = graphRequest(declared, new URLSearchParams({ period }));
      return r.ok ? r.options.period : r.problem;
    };
    expect(ask('6h')).toBe(21_600);
    expect(ask('60s')).toBe(60);
    expect(ask('10y')).toBe(315_360_000);
    for (const bad of ['59s', '11y', 'soon', '', '-1h', 'x'.repeat(40)]) expect(ask(bad)).toMatch(/period must be 1h, 1d, 1w, 1m, 1y \(1m is a month\)/);
  });
});

describe('parseGraphOptions', () => {
  it('applies the defaults of SPEC §6 and rrdtool (1h, LINE, 600×200, all fields)', () => {
    const o = parseGraphOptions({ path: 'x.png' }, 'graph[0]');
    expect(o).toEqual({
      path: 'x.png',
      title: undefined,
      verticalLabel: undefined,
      fields: undefined,
      method: 'LINE',
      period: 3600,
      interval: undefined,
      width: 600,
      height: 200,
      colors: undefined,
      cf: 'AVERAGE',
    });
    expect(Object.isFrozen(o)).toBe(true);
  });

  it('reads the block form of the spec example', () => {
    const o = parseGraphOptions(
      {
        path: 'simplest.png',
        title: 'Simplest Monitoring Demo',
        fields: ['random'],
        method: 'stack',
        interval: 10,
        period: '1d',
        'vertical label': 'Random #s',
        width: 400,
        height: '150',
        colors: ['#abc', '00ff00'],
      },
      ['run', 0, 'graph', 0],
    );
    expect(o.method).toBe('STACK');
    expect(o.period).toBe(86_400);
    expect(o.interval).toBe(10);
    expect(o.verticalLabel).toBe('Random #s');
    expect(o.fields).toEqual(['random']);
    expect(o.width).toBe(400);
    expect(o.height).toBe(150);
    expect(o.colors).toEqual(['#AABBCC', '#00FF00']);
  });

  it.each([
    [{}, 'graph[1].path'],
    [{ path: 'a.png', method: 'PIE' }, 'graph[1].method'],
    [{ path: 'a.png', period: 'a while' }, 'graph[1].period'],
    [{ path: 'a.png', period: 0 }, 'graph[1].period'],
    [{ path: 'a.png', interval: 'often' }, 'graph[1].interval'],
    [{ path: 'a.png', width: 10 }, 'graph[1].width'],
    [{ path: 'a.png', height: 2.5 }, 'graph[1].height'],
    [{ path: 'a.png', fields: [] }, 'graph[1].fields'],
    [{ path: 'a.png', fields: ['ok', 3] }, 'graph[1].fields[1]'],
    [{ path: 'a.png', colors: ['red'] }, 'graph[1].colors[0]'],
    [{ path: 'a.png', peroid: '1h' }, 'graph[1].peroid'],
    [{ path: 'a.png', cf: 'MEDIAN' }, 'graph[1].cf'],
  ])('%j is rejected naming %s', (raw, keyPath) => {
    const e = errorOf(() => parseGraphOptions(raw, 'graph[1]', { file: 'block.yaml', line: 7 }));
    expect(e.code).toBe('PB_ERR_VALIDATION');
    expect(e.location?.keyPath).toBe(keyPath);
    expect(e.location?.file).toBe('block.yaml');
    expect(e.location?.line).toBe(7);
    expect(e.exitCode).toBe(2);
  });

  it('rejects a non-mapping', () => {
    expect(errorOf(() => parseGraphOptions(['x'], 'graph')).code).toBe('PB_ERR_VALIDATION');
    expect(errorOf(() => parseGraphOptions(null, 'graph')).location?.keyPath).toBe('graph');
  });
});
