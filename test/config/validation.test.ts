import { describe, expect, it } from 'vitest';
import { checkBlock, loadBlock } from '../../src/config/index.js';
import { fixture, inputError, summarize } from './helpers.js';

describe('checkBlock: every problem at once, each located', () => {
  it('YAML syntax error → PB_ERR_YAML_SYNTAX with file:line:col', async () => {
    const err = await inputError(() => checkBlock(fixture('bad', 'yaml-syntax.yaml')));
    expect(err.code).toBe('PB_ERR_YAML_SYNTAX');
    expect(err.location).toMatchObject({ file: fixture('bad', 'yaml-syntax.yaml'), line: 4, col: 1 });
    expect(err.problems.length).toBeGreaterThanOrEqual(1);
  });

  it('duplicate keys are a YAML error at the second key', async () => {
    const err = await inputError(() => checkBlock(fixture('bad', 'duplicate-key.yaml')));
    expect(err.code).toBe('PB_ERR_YAML_SYNTAX');
    expect(err.location).toMatchObject({ line: 2, col: 1 });
  });

  it('several schema violations → one PB_ERR_SCHEMA listing all, with rewritten messages', async () => {
    const err = await inputError(() => checkBlock(fixture('bad', 'schema-many.yaml')));
    expect(err.code).toBe('PB_ERR_SCHEMA');
    expect(summarize(err)).toEqual([
      { code: 'PB_ERR_UNKNOWN_TAG_OPTION', file: 'bad/schema-many.yaml', line: 3, keyPath: 'run[0].timout' },
      { code: 'PB_ERR_SCHEMA', file: 'bad/schema-many.yaml', line: 4, keyPath: 'run[1].shell' },
      { code: 'PB_ERR_UNKNOWN_TAG_OPTION', file: 'bad/schema-many.yaml', line: 4, keyPath: 'run[1].shell.cmd' },
      { code: 'PB_ERR_SCHEMA', file: 'bad/schema-many.yaml', line: 5, keyPath: 'run[2]' },
      { code: 'PB_ERR_SCHEMA', file: 'bad/schema-many.yaml', line: 6, keyPath: 'run[3]' },
      { code: 'PB_ERR_UNKNOWN_TAG_OPTION', file: 'bad/schema-many.yaml', line: 8, keyPath: 'require lock.timout' },
      { code: 'PB_ERR_SCHEMA', file: 'bad/schema-many.yaml', line: 9, keyPath: 'template' },
      { code: 'PB_ERR_SCHEMA', file: 'bad/schema-many.yaml', line: 10, keyPath: 'increment hits' },
      { code: 'PB_ERR_SCHEMA', file: 'bad/schema-many.yaml', line: 13, keyPath: '__usage.longrunning' },
    ]);
    const messages = err.problems.map((p) => p.message);
    expect(messages[0]).toBe(
      "unknown option 'timout' for script item; expected one of script, timeout, cache, interval, thread_id, singleton, lock, timeseries collect, alert, timeseries derive",
    );
    expect(messages[1]).toMatch(/missing required option 'command'/);
    expect(messages[3]).toMatch(/needs one of script, shell, set, cd/);
    expect(messages[4]).toMatch(/exactly one of script, shell, set, cd; this one has 'script' and 'shell'/);
    expect(messages[6]).toMatch(/template takes exactly one of path, text/);
    expect(messages[7]).toMatch(/must be a number or empty, got string "lots"/);
    expect(messages[8]).toMatch(/must be true or false, got string "yes"/);
  });

  it('a single unknown tag option → PB_ERR_UNKNOWN_TAG_OPTION naming the allowed options', async () => {
    const err = await inputError(() => checkBlock(fixture('bad', 'unknown-option.yaml')));
    expect(err.code).toBe('PB_ERR_UNKNOWN_TAG_OPTION');
    expect(err.message).toBe(
      "unknown option 'timout' for require lock; expected one of name, timeout, ttl, timeout_exception, timeout_block",
    );
    expect(err.location).toMatchObject({ file: fixture('bad', 'unknown-option.yaml'), line: 3, col: 3, keyPath: 'require lock.timout' });
  });

  it('malformed conditions → PB_ERR_CONDITION_SYNTAX at the column inside the key', async () => {
    const err = await inputError(() => checkBlock(fixture('bad', 'condition.yaml')));
    expect(err.code).toBe('PB_ERR_CONDITION_SYNTAX');
    expect(summarize(err)).toEqual([
      { code: 'PB_ERR_CONDITION_SYNTAX', file: 'bad/condition.yaml', line: 2, keyPath: 'if host = "web1"' },
      { code: 'PB_ERR_CONDITION_SYNTAX', file: 'bad/condition.yaml', line: 5, keyPath: 'nested.if x' },
      { code: 'PB_ERR_CONDITION_SYNTAX', file: 'bad/condition.yaml', line: 7, keyPath: 'if y <> 2' },
    ]);
    expect(err.problems[0]!.location?.col).toBe(9); // the '=' of `if host = "web1"`
    expect(err.problems[2]!.location?.col).toBe(7); // the '<>' of `"if y <> 2"` (quoted key)
    expect(err.problems[0]!.message).toMatch(/use '=='/);
  });

  it('elif/else without an if → PB_ERR_VALIDATION', async () => {
    const err = await inputError(() => checkBlock(fixture('bad', 'elif-orphan.yaml')));
    expect(err.code).toBe('PB_ERR_VALIDATION');
    expect(summarize(err)).toEqual([
      { code: 'PB_ERR_VALIDATION', file: 'bad/elif-orphan.yaml', line: 1, keyPath: 'elif a == 1' },
      { code: 'PB_ERR_VALIDATION', file: 'bad/elif-orphan.yaml', line: 4, keyPath: 'nested.else' },
    ]);
  });

  it('missing scripts → PB_ERR_SCRIPT_NOT_FOUND, resolved against the YAML folder', async () => {
    const err = await inputError(() => checkBlock(fixture('bad', 'missing-script.yaml')));
    expect(err.code).toBe('PB_ERR_SCRIPT_NOT_FOUND');
    expect(summarize(err)).toEqual([
      { code: 'PB_ERR_SCRIPT_NOT_FOUND', file: 'bad/missing-script.yaml', line: 3, keyPath: 'run[1].script' },
      { code: 'PB_ERR_SCRIPT_NOT_FOUND', file: 'bad/missing-script.yaml', line: 6, keyPath: 'run simultaneous.a[0].script' },
    ]);
    expect(err.problems[0]!.message).toContain(fixture('bad', 'nowhere.ts'));
  });

  it('problems of different kinds → PB_ERR_VALIDATION, each keeping its own code', async () => {
    const err = await inputError(() => checkBlock(fixture('bad', 'mixed.yaml')));
    expect(err.code).toBe('PB_ERR_VALIDATION');
    expect(summarize(err).map((p) => [p.code, p.line, p.keyPath])).toEqual([
      ['PB_ERR_CONDITION_SYNTAX', 1, 'if a =='],
      ['PB_ERR_UNKNOWN_TAG_OPTION', 3, 'require lock.timout'],
      ['PB_ERR_SCRIPT_NOT_FOUND', 5, 'run[0].script'],
    ]);
  });

  it('non-positive intervals/timeouts and cache: true without interval', async () => {
    const err = await inputError(() => checkBlock(fixture('bad', 'bad-interval.yaml')));
    expect(summarize(err).map((p) => [p.code, p.line, p.keyPath])).toEqual([
      ['PB_ERR_SCHEMA', 3, 'run[0].cache'],
      ['PB_ERR_VALIDATION', 5, 'run[1].cache'],
      ['PB_ERR_SCHEMA', 6, 'run[2].shell.timeout'],
      ['PB_ERR_SCHEMA', 7, 'require lock.timeout'],
      ['PB_ERR_SCHEMA', 11, 'run simultaneous.a[0].timeout'],
    ]);
    expect(err.problems[4]!.message).toBe('\'timeout\' must be a number of seconds or a duration such as 30s, 500ms, 2m, got string "soon"');
    expect(err.problems[3]!.message).toBe("'timeout' must be 0 or a positive number of seconds (or a duration such as 30s, 500ms, 2m), got number -1");
    expect(err.problems[0]!.message).toBe("'cache' must be a positive number of seconds (or a duration such as 30s, 500ms, 2m), got number -5");
  });

  it('problems inside an imported file point into that file, scripts resolved against it', async () => {
    const err = await inputError(() => checkBlock(fixture('bad', 'imports-bad-inside.yaml')));
    expect(summarize(err)).toEqual([
      { code: 'PB_ERR_UNKNOWN_TAG_OPTION', file: 'bad/sub/inner-bad.yaml', line: 4, keyPath: 'inner.run[0].timout' },
      { code: 'PB_ERR_SCRIPT_NOT_FOUND', file: 'bad/sub/inner-bad.yaml', line: 5, keyPath: 'inner.run[1].script' },
    ]);
  });

  it('bad __tags: invalid pattern, missing script, wrong priority type', async () => {
    const err = await inputError(() => checkBlock(fixture('bad', 'tags-bad.yaml')));
    expect(summarize(err).map((p) => [p.code, p.line, p.keyPath])).toEqual([
      ['PB_ERR_VALIDATION', 2, '__tags.notify ('],
      ['PB_ERR_SCRIPT_NOT_FOUND', 3, '__tags.page .*'],
      ['PB_ERR_SCHEMA', 3, '__tags.page .*.priority'],
    ]);
  });

  it('a top-level list → PB_ERR_SCHEMA suggesting `run:`', async () => {
    const err = await inputError(() => checkBlock(fixture('bad', 'top-list.yaml')));
    expect(err.code).toBe('PB_ERR_SCHEMA');
    expect(err.message).toMatch(/must be a mapping.*run:/);
    expect(err.location).toMatchObject({ line: 1 });
  });
});

describe('includes', () => {
  it('a cycle → PB_ERR_INCLUDE_CYCLE naming the chain, at the import that closes it', async () => {
    const err = await inputError(() => loadBlock(fixture('bad', 'cycle-a.yaml')));
    expect(err.code).toBe('PB_ERR_INCLUDE_CYCLE');
    expect(err.message).toContain(`${fixture('bad', 'cycle-a.yaml')} → ${fixture('bad', 'cycle-b.yaml')} → ${fixture('bad', 'cycle-a.yaml')}`);
    expect(err.location).toMatchObject({ file: fixture('bad', 'cycle-b.yaml'), line: 2, keyPath: '__import__a' });
  });

  it('a missing import → PB_ERR_INCLUDE_NOT_FOUND naming the importing file:line', async () => {
    const err = await inputError(() => loadBlock(fixture('bad', 'missing-include.yaml')));
    expect(err.code).toBe('PB_ERR_INCLUDE_NOT_FOUND');
    expect(err.location).toMatchObject({ file: fixture('bad', 'missing-include.yaml'), line: 2, keyPath: '__import__hosts' });
    expect(err.message).toContain(`imported from ${fixture('bad', 'missing-include.yaml')}:2`);
  });
});

describe('timeseries collect and graph options', () => {
  it('reports every problem with the rule and the offending value; accepts durations, U, RRA: archives', async () => {
    const err = await inputError(() => checkBlock(fixture('bad', 'timeseries.yaml')));
    expect(err.code).toBe('PB_ERR_SCHEMA');
    const tc = 'run[0].timeseries collect';
    expect(summarize(err).map((p) => [p.line, p.keyPath])).toEqual([
      [8, `${tc}.fields.random.type`],
      [9, `${tc}.fields.other.min`],
      [10, `${tc}.fields.third`],
      [10, `${tc}.fields.third.heartbeat`],
      [14, `${tc}.archives[2]`],
      [15, `${tc}.archives[3].rows`],
      [18, `${tc}.graph[0].peroid`],
      [21, `${tc}.graph[0].colors[2]`],
      [22, `${tc}.graph[1]`],
      [24, 'run[1].timeseries collect'],
    ]);
    const messages = err.problems.map((p) => p.message);
    expect(messages[0]).toBe(`'type' must be one of GAUGE, COUNTER, DERIVE, ABSOLUTE, got string "GAGUE"`);
    expect(messages[1]).toBe(`'min' must be a number, U (unknown) or empty, got string "low"`);
    expect(messages[2]).toMatch(/missing required option 'type'/);
    expect(messages[3]).toMatch(/must be a positive duration.*got string "soon"/);
    expect(messages[6]).toMatch(/^unknown option 'peroid' for graph; expected one of path, title, .*period/);
    expect(messages[9]).toMatch(/missing required option 'fields'/);
  });
});

describe('report order', () => {
  it('lists the top file first, then imported files in load order', async () => {
    const err = await inputError(() => checkBlock(fixture('bad', 'z-top-with-bad-import.yaml')));
    expect(summarize(err).map((p) => [p.file, p.line])).toEqual([
      ['bad/z-top-with-bad-import.yaml', 2],
      ['bad/sub/inner-bad.yaml', 4],
      ['bad/sub/inner-bad.yaml', 5],
    ]);
  });
});

describe('condition look-alikes that would silently become data', () => {
  it('flags a bare if, `else if`, and `else <something>`', async () => {
    const err = await inputError(() => checkBlock(fixture('bad', 'lookalikes.yaml')));
    expect(err.code).toBe('PB_ERR_CONDITION_SYNTAX');
    expect(summarize(err).map((p) => [p.line, p.keyPath])).toEqual([
      [1, 'if'],
      [5, 'else if x == 2'],
      [7, 'else x'],
    ]);
    expect(err.problems[1]!.message).toMatch(/write 'elif x == 2'/);
  });
});

describe('put tag … in queue …', () => {
  it('needs a sibling key (or a key of a sibling if/elif/else branch) to post', async () => {
    const err = await inputError(() => checkBlock(fixture('bad', 'put-tag.yaml')));
    expect(err.code).toBe('PB_ERR_VALIDATION');
    expect(summarize(err).map((p) => [p.line, p.keyPath])).toEqual([
      [6, 'put tag reprot in queue reports'],
      [9, 'put tag in queue[1].tag'],
      [11, 'nested.put_tag_in_queue.tag'],
    ]);
    expect(err.problems[0]!.message).toBe("put tag: no sibling key 'reprot' to post; keys here: report, nested, summary");
  });
});

describe('script kinds', () => {
  it("rejects the original's Python scripts (existing files that are not .ts/.mts/.js/.mjs)", async () => {
    const err = await inputError(() => checkBlock(fixture('bad', 'python-script.yaml')));
    expect(err.code).toBe('PB_ERR_VALIDATION');
    expect(summarize(err).map((p) => [p.line, p.keyPath])).toEqual([
      [2, '__tags.legacy .*'],
      [4, 'run[0].script'],
    ]);
    expect(err.problems[1]!.message).toMatch(/loads \.ts, \.mts, \.js or \.mjs/);
  });
});

describe('wrong shapes across the block', () => {
  it('reports each with the construct, the rule, the value and an example', async () => {
    const err = await inputError(() => checkBlock(fixture('bad', 'shapes.yaml')));
    expect(err.code).toBe('PB_ERR_SCHEMA');
    expect(summarize(err).map((p) => [p.code, p.line, p.keyPath])).toEqual([
      ['PB_ERR_SCHEMA', 1, 'run'],
      ['PB_ERR_SCHEMA', 2, 'run simultaneous'],
      ['PB_ERR_UNKNOWN_TAG_OPTION', 4, '__usage.nmae'],
      ['PB_ERR_UNKNOWN_TAG_OPTION', 5, '__usage.args[0].defualt'],
      ['PB_ERR_SCHEMA', 5, '__usage.args[1]'],
      ['PB_ERR_SCHEMA', 7, '__usage.options.verbose.type'],
      ['PB_ERR_SCHEMA', 7, '__usage.options.verbose.letter'],
      ['PB_ERR_SCHEMA', 8, '__usage.options.out'],
      ['PB_ERR_SCHEMA', 10, 'require lock.name'],
      ['PB_ERR_SCHEMA', 13, 'require lock.timeout_block.run[0].cd'],
      ['PB_ERR_SCHEMA', 14, 'if a == 1'],
      ['PB_ERR_SCHEMA', 16, 'template'],
      ['PB_ERR_SCHEMA', 17, '__priority'],
      ['PB_ERR_SCHEMA', 18, '__return_tag'],
    ]);
    const byPath = new Map(err.problems.map((p) => [p.location?.keyPath, p.message]));
    expect(byPath.get('run')).toBe('run must be a list, got a mapping ({"script":"x"}) (e.g. [{script: check.ts}, {shell: "uptime"}])');
    expect(byPath.get('template')).toMatch(/^template must be a mapping, got string "text" \(e\.g\. \{path: page\.html\}/);
    expect(byPath.get('__usage.nmae')).toMatch(/^unknown option 'nmae' for __usage; expected one of name, author,/);
    expect(byPath.get('if a == 1')).toMatch(/must be a mapping or empty, got a list/);
  });
});
