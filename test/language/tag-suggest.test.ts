import { describe, expect, it } from 'vitest';
import type { CustomTagSpec } from '../../src/language/custom-tag.js';
import { editDistance, isTransposition } from '../../src/language/edit-distance.js';
import { suggestTag } from '../../src/language/tag-key.js';

const notify: CustomTagSpec = { pattern: 'notify .*', regex: /^(?:notify .*)$/, script: '/x/notify.ts', priority: 700 };
const pageOps: CustomTagSpec = { pattern: 'page ops (\\w+)', regex: /^(?:page ops (\w+))$/, script: '/x/page.ts', priority: 700 };

describe('editDistance (optimal string alignment)', () => {
  it.each([
    ['', '', 0],
    ['abc', '', 3],
    ['incremnt', 'increment', 1],
    ['simultanous', 'simultaneous', 1],
    ['esle', 'else', 1],
    ['kitten', 'sitting', 3],
    ['lok', 'lock', 1],
  ])('%s → %s = %i', (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
    expect(editDistance(b, a)).toBe(d);
  });
  it('isTransposition: exactly one adjacent swap', () => {
    expect(isTransposition('esle', 'else')).toBe(true);
    expect(isTransposition('fi', 'if')).toBe(true);
    expect(isTransposition('ease', 'else')).toBe(false);
    expect(isTransposition('else', 'else')).toBe(false);
  });
});

describe('suggestTag', () => {
  it.each([
    ['list ad x', 'list add x'],
    ['list_ad x', 'list add x'],
    ['lst add x', 'list add x'],
    ['incremnt hits', 'increment hits'],
    ['incremnt hit_count', 'increment hit_count'],
    ['decremnt hits', 'decrement hits'],
    ['run simultanous', 'run simultaneous'],
    ['run_simultanous', 'run simultaneous'],
    ['require lok', 'require lock'],
    ['requir lock', 'require lock'],
    ['relase lock', 'release lock'],
    ['templat', 'template'],
    ['Template', 'template'],
    ['If x > 1', 'if x > 1'],
    ['fi x > 1', 'if x > 1'],
    ['elsif x > 1', 'elif x > 1'],
    ['Else', 'else'],
    ['esle', 'else'],
    ['Run', 'run'],
    ['pt tag x in queue q', 'put tag x in queue q'],
    ['Set x', 'set x'],
    ['dropstr', 'dropstar'],
    ['DropSTAR', 'dropstar'],
  ])('%s → %s', (key, expected) => {
    expect(suggestTag(key, [], undefined)?.key).toBe(expected);
  });

  it.each([
    'id', 'it', 'get x', 'sat', 'ease', 'settings', 'templates', 'running', 'reset x', 'set_point',
    'increment', 'incremental hits', 'list', 'list add', 'host', 'runs', 'name', 'elsewhere',
    'of course', 'is x', 'fi', 'description', 'title', 'cpu', 'disk used',
  ])('%s is ordinary data', (key) => {
    expect(suggestTag(key, [], { some: 'value' })).toBeUndefined();
  });

  it('short keywords need a value of the right shape', () => {
    expect(suggestTag('Run', [], [{ script: 'x.ts' }])?.key).toBe('run');
    expect(suggestTag('Run', [], 'fast')).toBeUndefined();
    expect(suggestTag('esle', [], { a: 1 })?.key).toBe('else');
    expect(suggestTag('esle', [], 3)).toBeUndefined();
  });

  it('a condition typo is suggested only when the condition parses', () => {
    expect(suggestTag('fi x', [], undefined)).toBeUndefined();
    expect(suggestTag('If host == "web1"', [], undefined)?.key).toBe('if host == "web1"');
  });

  it('custom tags: the literal words of the pattern, and the pattern must match the corrected key', () => {
    expect(suggestTag('notfy ops', [notify], undefined)).toEqual({ key: 'notify ops', custom: 'notify .*' });
    expect(suggestTag('Notify ops', [notify], undefined)).toEqual({ key: 'notify ops', custom: 'notify .*' });
    expect(suggestTag('page opz db', [pageOps], undefined)).toEqual({ key: 'page ops db', custom: 'page ops (\\w+)' });
    expect(suggestTag('page opz db and more', [pageOps], undefined)).toBeUndefined();
    expect(suggestTag('notes', [notify], undefined)).toBeUndefined();
  });

  it('internal keys are never suggested', () => {
    expect(suggestTag('__Run', [], [])).toBeUndefined();
  });
});
