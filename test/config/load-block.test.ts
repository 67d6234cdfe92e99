import { mkdtempSync, writeFileSync, chmodSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkBlock, loadBlock } from '../../src/config/index.js';
import { classifyKey } from '../../src/language/tag-key.js';
import { fixture, inputError } from './helpers.js';

describe('loadBlock: a valid block', () => {
  it('loads data, strips __usage, extracts usage in YAML order with hasDefault and resolved paths', async () => {
    const file = fixture('good', 'simplest_monitor.yaml');
    const block = await loadBlock(file);
    expect(block.file).toBe(file);
    expect(block.dir).toBe(path.dirname(file));
    expect(block.files).toEqual([file]);
    expect(Object.keys(block.data)).toEqual(['run']);
    const run = block.data['run'] as Record<string, unknown>[];
    expect(run[0]).toMatchObject({ script: 'simplest.ts', cache: 5, thread_id: 'simplest' });
    const usage = block.usage!;
    expect(usage).toMatchObject({ name: 'simplest', author: 'Geoff Howland', longrunning: true, daemon: false });
    expect(usage.cwd).toBe(fixture('good', 'work'));
    expect(usage.pidfile).toBe(fixture('good', 'run', 'simplest.pid'));
    expect(usage.logfile).toBeUndefined();
    expect(usage.args.map((a) => a.name)).toEqual(['file', 'timeout', 'targets']);
    expect(usage.args[0]).toMatchObject({ required: true, remaining: false });
    expect('default' in usage.args[0]!).toBe(false);
    expect(usage.args[1]).toMatchObject({ default: 60 });
    expect(usage.args[2]).toMatchObject({ remaining: true });
    expect(usage.options.map((o) => o.name)).toEqual(['output', 'verbose', 'level']);
    expect(usage.options[0]).toMatchObject({ letter: 'o', type: 'value', hasDefault: true, default: null });
    expect(usage.options[1]).toMatchObject({ letter: 'v', type: 'flag', hasDefault: true, default: false });
    expect(usage.options[2]).toMatchObject({ letter: 'l', type: 'value', hasDefault: false });
    expect('default' in usage.options[2]!).toBe(false);
  });

  it('locates nodes: key line/col, list items, ancestor fallback, keyPath', async () => {
    const block = await loadBlock(fixture('good', 'simplest_monitor.yaml'));
    expect(block.locate(['run'])).toMatchObject({ line: 1, col: 1, keyPath: 'run' });
    expect(block.locate(['run', 0])).toMatchObject({ line: 2, col: 5, keyPath: 'run[0]' });
    expect(block.locate(['run', 0, 'timeseries collect', 'graph', 0, 'title'])).toMatchObject({
      line: 12,
      col: 11,
      keyPath: 'run[0].timeseries collect.graph[0].title',
    });
    expect(block.locate(['run', 0, 'no such key'])).toMatchObject({ line: 2, col: 5, keyPath: 'run[0].no such key' });
    expect(block.locate([])).toMatchObject({ file: block.file, line: 1 });
  });

  it('deep-freezes the data and the usage', async () => {
    const block = await loadBlock(fixture('good', 'simplest_monitor.yaml'));
    expect(Object.isFrozen(block.data)).toBe(true);
    const run = block.data['run'] as Record<string, unknown>[];
    expect(Object.isFrozen(run)).toBe(true);
    expect(Object.isFrozen(run[0])).toBe(true);
    expect(() => {
      (run[0] as Record<string, unknown>)['script'] = 'x';
    }).toThrow(TypeError);
    expect(Object.isFrozen(block.usage!.options)).toBe(true);
  });

  it('accepts every built-in construct (no false positives) and extracts custom tags', async () => {
    const block = await checkBlock(fixture('good', 'all-tags.yaml'));
    expect(block.data['__tags']).toBeUndefined();
    expect(block.tags.map((t) => [t.pattern, t.priority, t.script])).toEqual([
      ['notify .*', 700, fixture('good', 'lib', 'notify.ts')],
      ['audit .*', 500, fixture('good', 'lib', 'notify.ts')],
    ]);
    expect(classifyKey('notify ops', block.tags)).toMatchObject({ kind: 'custom', priority: 700 });
    expect(block.tags[0]!.location).toMatchObject({ file: fixture('good', 'all-tags.yaml'), line: 3 });
    // lists and custom-tag values are data, passed through untouched
    expect(block.data['plain_list']).toEqual([1, 2, { run: 3 }]);
    expect(block.data['notify ops']).toEqual({ anything: ['goes', 'here'], run: 'not checked: custom tag value' });
  });

  it('treats an empty file as the empty block', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pb-config-'));
    const file = path.join(dir, 'empty.yaml');
    writeFileSync(file, '# nothing here\n');
    const block = await checkBlock(file);
    expect(block.data).toEqual({});
    expect(block.usage).toBeUndefined();
    expect(block.tags).toEqual([]);
  });

  it('skips validation with {validate: false}', async () => {
    const block = await loadBlock(fixture('bad', 'schema-many.yaml'), { validate: false });
    expect(Object.keys(block.data)).toContain('require lock');
  });
});

describe('loadBlock: imports', () => {
  it('merges imported keys over an existing mapping, recursively, keeping key order', async () => {
    const block = await checkBlock(fixture('imports', 'main.yaml'));
    expect(Object.keys(block.data)).toEqual(['title', 'hosts', 'extra', 'run']);
    expect(block.data['hosts']).toEqual({
      web1: { ip: '10.1.1.1' },
      keep: 'yes',
      db1: { ip: '10.0.0.9', meta: { rack: 'r12', run: [{ script: 'probe.ts' }] } },
    });
    expect(block.data['extra']).toEqual(['one', 'two']);
    expect(block.files).toEqual([
      fixture('imports', 'main.yaml'),
      fixture('imports', 'sub', 'hosts.yaml'),
      fixture('imports', 'sub', 'deeper', 'meta.yaml'),
      fixture('imports', 'sub', 'extra.yaml'),
    ]);
  });

  it('allows diamonds; a non-mapping NAME is replaced; a NAME written after the import is merged in place', async () => {
    const block = await checkBlock(fixture('imports', 'diamond', 'top.yaml'));
    expect(block.data).toEqual({
      left: { shared: { value: 42 } },
      right: { shared: { value: 42 } },
      scalar: { value: 42 },
      first: 1,
      later: { own: true, value: 42 },
    });
    expect(Object.keys(block.data)).toEqual(['left', 'right', 'scalar', 'first', 'later']);
    expect(block.files).toHaveLength(2);
    expect(block.locate(['later', 'own'])).toMatchObject({ file: fixture('imports', 'diamond', 'top.yaml'), line: 9 });
    expect(block.locate(['later', 'value'])).toMatchObject({ file: fixture('imports', 'diamond', 'shared.yaml'), line: 1 });
  });

  it('a file imported twice declares its custom tags once', async () => {
    const block = await checkBlock(fixture('imports', 'diamond', 'tagged-twice.yaml'));
    expect(block.tags.map((t) => t.pattern)).toEqual(['shout .*']);
    expect(block.tags[0]!.script).toBe(fixture('good', 'lib', 'notify.ts'));
    expect(block.data).toEqual({ a: { t: { loud: true } }, b: { t: { loud: true } }, 'shout hello': { x: 1 } });
  });

  it('keeps positions in the file that holds each node', async () => {
    const block = await loadBlock(fixture('imports', 'main.yaml'));
    expect(block.locate(['hosts', 'keep'])).toMatchObject({ file: fixture('imports', 'main.yaml'), line: 4, col: 3 });
    expect(block.locate(['hosts', 'web1'])).toMatchObject({ file: fixture('imports', 'sub', 'hosts.yaml'), line: 5, col: 1 });
    expect(block.locate(['hosts', 'web1', 'ip'])).toMatchObject({ file: fixture('imports', 'sub', 'hosts.yaml'), line: 6, col: 3 });
    expect(block.locate(['hosts', 'db1', 'meta', 'run', 0, 'script'])).toMatchObject({
      file: fixture('imports', 'sub', 'deeper', 'meta.yaml'),
      line: 3,
      col: 5,
      keyPath: 'hosts.db1.meta.run[0].script',
    });
    expect(block.locate(['extra', 1])).toMatchObject({ file: fixture('imports', 'sub', 'extra.yaml'), line: 2 });
    expect(block.locate(['hosts'])).toMatchObject({ file: fixture('imports', 'main.yaml'), line: 2 });
  });

  it('collects __tags from imported files, scripts resolved against the declaring file; ignores their __usage', async () => {
    const block = await loadBlock(fixture('imports', 'main.yaml'));
    expect(block.usage).toBeUndefined();
    expect(block.tags).toHaveLength(1);
    expect(block.tags[0]).toMatchObject({ pattern: 'page .*', script: fixture('imports', 'sub', 'page.ts'), priority: 500 });
    expect(block.tags[0]!.location).toMatchObject({ file: fixture('imports', 'sub', 'hosts.yaml'), line: 2 });
    expect((block.data['hosts'] as Record<string, unknown>)['__tags']).toBeUndefined();
  });
});

describe('loadBlock: files', () => {
  it('missing file → PB_ERR_FILE_NOT_FOUND', async () => {
    const err = await inputError(() => loadBlock(fixture('nope.yaml')));
    expect(err.code).toBe('PB_ERR_FILE_NOT_FOUND');
    expect(err.exitCode).toBe(2);
    expect(err.location?.file).toBe(fixture('nope.yaml'));
  });

  it('a directory → PB_ERR_FILE_UNREADABLE', async () => {
    const err = await inputError(() => loadBlock(fixture('good')));
    expect(err.code).toBe('PB_ERR_FILE_UNREADABLE');
  });

  it.skipIf(process.getuid?.() === 0)('an unreadable file → PB_ERR_FILE_UNREADABLE', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pb-config-'));
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, 'secret.yaml');
    writeFileSync(file, 'a: 1\n');
    chmodSync(file, 0o000);
    const err = await inputError(() => loadBlock(file));
    expect(err.code).toBe('PB_ERR_FILE_UNREADABLE');
  });
});
