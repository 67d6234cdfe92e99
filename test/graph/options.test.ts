import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.js';
import { parseDurationSeconds, formatDuration } from '../../src/graph/period.js';
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

  it('formats back', () => {
    expect(formatDuration(3600)).toBe('1h');
    expect(formatDuration(5400)).toBe('1h30m');
    expect(formatDuration(86_400 * 8)).toBe('1w1d');
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
