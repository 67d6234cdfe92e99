import { describe, expect, it } from 'vitest';
import type { CustomTagSpec } from '../../src/language/custom-tag.js';
import { classifyKey, priorityOf } from '../../src/language/tag-key.js';

const notify: CustomTagSpec = { pattern: 'notify .*', regex: /^(?:notify .*)$/, script: '/x/notify.ts', priority: 700 };
const greedy: CustomTagSpec = { pattern: '.*', regex: /^(?:.*)$/, script: '/x/any.ts', priority: 500 };

describe('classifyKey', () => {
  const cases: [string, object][] = [
    ['if host == "web1"', { kind: 'if', condition: 'host == "web1"', priority: 600 }],
    ['if  a is empty ', { kind: 'if', condition: 'a is empty', priority: 600 }],
    ['elif host in web_hosts', { kind: 'elif', condition: 'host in web_hosts', priority: 600 }],
    ['else', { kind: 'else', priority: 600 }],
    ['set counter', { kind: 'set', name: 'counter', priority: 50 }],
    ['list add items', { kind: 'list add', name: 'items', priority: 50 }],
    ['list_add items', { kind: 'list add', name: 'items', priority: 50 }],
    ['list del items', { kind: 'list del', name: 'items', priority: 50 }],
    ['list_del items', { kind: 'list del', name: 'items', priority: 50 }],
    ['increment hits', { kind: 'increment', name: 'hits', priority: 50 }],
    ['decrement hits', { kind: 'decrement', name: 'hits', priority: 50 }],
    ['run', { kind: 'run', priority: 800 }],
    ['run simultaneous', { kind: 'run simultaneous', priority: 800 }],
    ['run_simultaneous', { kind: 'run simultaneous', priority: 800 }],
    ['template', { kind: 'template', priority: 900 }],
    ['require lock', { kind: 'require lock', priority: 0 }],
    ['require_lock', { kind: 'require lock', priority: 0 }],
    ['release lock', { kind: 'release lock', priority: 9999 }],
    ['release_lock', { kind: 'release lock', priority: 9999 }],
    ['put tag in queue', { kind: 'put tag', priority: 9999 }],
    ['put_tag_in_queue', { kind: 'put tag', priority: 9999 }],
    ['put tag report in queue reports', { kind: 'put tag', tag: 'report', queue: 'reports', priority: 9999 }],
    ['put_tag report in_queue reports', { kind: 'put tag', tag: 'report', queue: 'reports', priority: 9999 }],
    ['__priority', { kind: 'internal', internal: 'priority', name: 'priority' }],
    ['__return_tag', { kind: 'internal', internal: 'return_tag' }],
    ['__import__hosts', { kind: 'internal', internal: 'import', target: 'hosts' }],
    ['__usage', { kind: 'internal', internal: 'usage' }],
    ['__tags', { kind: 'internal', internal: 'tags' }],
    ['__duration', { kind: 'internal', internal: 'other', name: 'duration' }],
    ['notify ops', { kind: 'custom', priority: 700 }],
    ['hostname', { kind: 'data', priority: 500 }],
    ['set', { kind: 'data' }],
    ['iffy', { kind: 'data' }],
    ['Run', { kind: 'data' }],
    ['running', { kind: 'data' }],
    ['notify', { kind: 'data' }],
  ];
  it.each(cases)('%j', (key, expected) => {
    expect(classifyKey(key, [notify])).toMatchObject(expected);
  });

  it('custom tags never shadow built-ins', () => {
    expect(classifyKey('run', [greedy]).kind).toBe('run');
    expect(classifyKey('if a == 1', [greedy]).kind).toBe('if');
    expect(classifyKey('__priority', [greedy]).kind).toBe('internal');
    expect(classifyKey('anything', [greedy])).toMatchObject({ kind: 'custom', spec: greedy });
  });

  it('the first matching custom tag wins', () => {
    expect(classifyKey('notify ops', [notify, greedy])).toMatchObject({ kind: 'custom', spec: notify });
    expect(classifyKey('notify ops', [greedy, notify])).toMatchObject({ kind: 'custom', spec: greedy });
  });
});

describe('priorityOf', () => {
  it('uses a mapping value’s __priority', () => {
    expect(priorityOf(classifyKey('nested', []), { __priority: 10, a: 1 })).toBe(10);
    expect(priorityOf(classifyKey('if a == 1', []), { __priority: 1000 })).toBe(1000);
  });
  it('falls back to the default', () => {
    expect(priorityOf(classifyKey('nested', []), { a: 1 })).toBe(500);
    expect(priorityOf(classifyKey('run', []), [{ script: 'x.ts' }])).toBe(800);
    expect(priorityOf(classifyKey('nested', []), { __priority: 'high' })).toBe(500);
  });
});
