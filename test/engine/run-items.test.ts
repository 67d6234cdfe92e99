/** Run items with the real script runner (worker threads) and shell runner, from dist/. */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processMapping } from '../../dist/engine/index.js';
import type { ProcblockError } from '../../dist/core/errors.js';
import { FIXTURES, realServices, type RealServices } from './real-services.js';

let real: RealServices;
beforeAll(async () => {
  real = await realServices();
});
afterAll(async () => {
  await real.close();
});

const file = path.join(FIXTURES, 'block.yaml');
const run = (data: Record<string, unknown>, inputData: Record<string, unknown> = {}) =>
  processMapping(data, { services: real.services, inputData, file });
const failure = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e as ProcblockError);

describe('script items', () => {
  it('merges returned object and pipe-data changes; resolves the path against the YAML folder', async () => {
    const { result, pipeData } = await run({ run: [{ set: { a: 2, b: 3 } }, { script: 'add.ts' }] }, { gone: 1, args: [] });
    expect(pipeData).toMatchObject({ a: 2, b: 3, sum: 5, touched: true, args: [] });
    expect(pipeData).not.toHaveProperty('gone');
    const seen = pipeData.seen as Record<string, unknown>;
    expect(seen).toEqual({ tag: 'run', cwd: FIXTURES.replace(/\/$/, ''), blockIsList: true, input: { gone: 1, args: [] } });
    const stored = (result as { run: Record<string, unknown> }).run;
    expect(stored).toMatchObject({ sum: 5, a: 2 });
    expect(typeof stored.__duration).toBe('number');
    expect(typeof stored.__start_time).toBe('number');
  });

  it('runs scripts in the cwd set by cd, for that list only', async () => {
    const { pipeData } = await run({
      first: { run: [{ cd: 'sub' }, { script: 'sub/where.mjs' }] },
      second: { __priority: 900, run: [{ script: 'sub/where.mjs' }] },
    });
    // `first` ran with cwd FIXTURES/sub; `second` (a new list) starts again at the block folder.
    expect(pipeData.where).toBe(FIXTURES.replace(/\/$/, ''));
    const again = await run({ run: [{ cd: 'sub' }, { script: 'sub/where.mjs' }] });
    expect(again.pipeData.where).toBe(path.join(FIXTURES, 'sub'));
  });

  it('fails with the runner code and the item location when a script throws', async () => {
    const e = await failure(run({ steps: { run: [{ set: { a: 1 } }, { script: 'throws.mjs' }] } }));
    expect(e?.code).toBe('PB_ERR_SCRIPT_THROW');
    expect(e?.location?.keyPath).toBe('steps.run[1]');
    expect(e?.location?.file).toBe(file);
  });

  it('fails with PB_ERR_SCRIPT_NOT_FOUND for a missing script', async () => {
    const e = await failure(run({ run: [{ script: 'missing.mjs' }] }));
    expect(e?.code).toBe('PB_ERR_SCRIPT_NOT_FOUND');
    expect(e?.location?.keyPath).toBe('run[0]');
  });

  it('ends a script at the item timeout (seconds) with PB_ERR_SCRIPT_TIMEOUT at the item', async () => {
    const e = await failure(run({ run: [{ script: 'forever.mjs', timeout: 0.3 }] }));
    expect(e?.code).toBe('PB_ERR_SCRIPT_TIMEOUT');
    expect(e?.location?.keyPath).toBe('run[0]');
    // The runner replaced the worker: the next call works.
    expect((await run({ run: [{ set: { a: 1, b: 1 } }, { script: 'add.ts' }] })).pipeData.sum).toBe(2);
  });

  it('warns and ignores a non-object return', async () => {
    const before = real.logs.length;
    const { pipeData } = await run({ run: [{ script: 'returns-number.mjs' }] }, { x: 1 });
    expect(pipeData).toEqual({ x: 1 });
    expect(real.logs.slice(before).some((l) => l.level === 'warn' && l.msg.includes('returns-number.mjs'))).toBe(true);
  });
});

describe('shell items', () => {
  it('appends status, output and output_error', async () => {
    const { pipeData } = await run({
      run: [{ shell: 'echo one; echo err1 >&2' }, { shell: { command: 'echo "$PB_TEST_ENV $EXTRA"; exit 3', env: { EXTRA: 'x' } } }],
    });
    expect(pipeData.status).toEqual([0, 3]);
    expect(pipeData.output).toBe('one\nengine x\n');
    expect(pipeData.output_error).toBe('err1\n');
  });

  it('runs in the cd directory and in an object cwd relative to it', async () => {
    const { pipeData } = await run({ run: [{ cd: 'sub' }, { shell: 'pwd' }, { shell: { command: 'pwd', cwd: '..' } }] });
    expect(pipeData.output).toBe(`${path.join(FIXTURES, 'sub')}\n${FIXTURES.replace(/\/$/, '')}\n`);
  });

  it('fail_on_error turns a nonzero exit into PB_ERR_SHELL_FAILED after recording the status', async () => {
    const pipeData: Record<string, unknown> = {};
    const p = processMapping({ run: [{ shell: { command: 'exit 7', fail_on_error: true } }, { set: { after: true } }] }, { services: real.services, pipeData, file });
    const e = await failure(p);
    expect(e?.code).toBe('PB_ERR_SHELL_FAILED');
    expect(e?.location?.keyPath).toBe('run[0]');
    expect(pipeData.status).toEqual([7]);
    expect(pipeData).not.toHaveProperty('after');
  });

  it('records status 124 on timeout, and fails with PB_ERR_SHELL_TIMEOUT under fail_on_error', async () => {
    const { pipeData } = await run({ run: [{ shell: { command: 'sleep 30', timeout: 0.3 } }] });
    expect(pipeData.status).toEqual([124]);
    const e = await failure(run({ run: [{ shell: 'sleep 30', timeout: 0.3, fail_on_error: true }] }));
    expect(e?.code).toBe('PB_ERR_SHELL_TIMEOUT');
  });
});

describe('custom tags', () => {
  it('calls the tag script with the value as block and stores its returned object', async () => {
    const tags = [{ pattern: 'notify .*', regex: /^notify .*$/, script: path.join(FIXTURES, 'tagged.mjs'), priority: 700 }];
    const { result, pipeData } = await processMapping({ 'notify ops': { channel: '#ops' }, plain: 1 }, { services: real.services, file, tags });
    expect(result).toEqual({ 'notify ops': { tag: 'notify ops', value: { channel: '#ops' } }, plain: 1 });
    expect(pipeData).toEqual({ notified: 1 });
  });

  it('runs at its priority and names the key when its script fails', async () => {
    const tags = [
      { pattern: 'notify .*', regex: /^notify .*$/, script: path.join(FIXTURES, 'tagged.mjs'), priority: 10 },
      { pattern: 'late .*', regex: /^late .*$/, script: path.join(FIXTURES, 'tagged.mjs'), priority: 700 },
      { pattern: 'explode .*', regex: /^explode .*$/, script: path.join(FIXTURES, 'throws.mjs'), priority: 700 },
    ];
    // The `if` (600) sees notified = 1 only when the tag's script ran before it.
    const early = await processMapping({ 'if notified == 1': { first: true }, 'notify a': null }, { services: real.services, file, tags });
    expect(early.result).toMatchObject({ first: true });
    const late = await processMapping({ 'if notified == 1': { first: true }, 'late a': null }, { services: real.services, file, tags });
    expect(late.result).not.toHaveProperty('first');
    expect(late.pipeData.notified).toBe(1);
    const e = await failure(processMapping({ inner: { 'explode now': 1 } }, { services: real.services, file, tags }));
    expect(e?.code).toBe('PB_ERR_SCRIPT_THROW');
    expect(e?.location?.keyPath).toBe('inner.explode now');
  });
});
