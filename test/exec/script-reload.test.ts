/**
 * Stale code (issue 13 point 1): an edit that keeps the file's size and mtime (`touch -r`,
 * `cp -p`, `rsync -t`, tar) must still run the new code — in a new runner (the transform cache
 * on disk is keyed on content) and, after `reloadScripts`, in the same worker (the module URL
 * changes with the content or the reload generation, so Node's module map cannot serve the old
 * module), local imports included. Real worker threads, real files.
 */
import { mkdirSync, mkdtempSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ProcblockError } from '../../dist/core/errors.js';
import { createScriptRunner, type ScriptRunner } from '../../dist/exec/index.js';
import type { Unidist } from '../../dist/unidist/types.js';
import { call, recordingLogger } from './run-helpers.js';

const noUnidist = {} as Unidist;
const root = mkdtempSync(join(tmpdir(), 'pb-reload-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let seq = 0;

/** Whole seconds, as tar and coarse-mtime file systems keep them (restorable exactly). */
const STAMP = 1_700_000_000;

/** A fresh folder with the given files. */
function folder(files: Record<string, string>): string {
  const dir = join(root, `case-${++seq}`);
  mkdirSync(dir);
  for (const [name, text] of Object.entries(files)) {
    writeFileSync(join(dir, name), text);
    utimesSync(join(dir, name), STAMP, STAMP);
  }
  return dir;
}

/** Replace a file's content with text of the same length and put its mtime back, as `cp -p` would. */
function editKeepingStat(file: string, text: string): void {
  const before = statSync(file);
  expect(Buffer.byteLength(text)).toBe(before.size);
  writeFileSync(file, text);
  utimesSync(file, STAMP, STAMP);
  const after = statSync(file);
  expect([after.size, after.mtimeMs]).toEqual([before.size, before.mtimeMs]);
}

function runner(cacheDir: string | false, logger = recordingLogger().logger): ScriptRunner {
  return createScriptRunner({ unidist: noUnidist, logger, maxThreads: 1, cacheDir });
}

const returning = (v: number): string => `export const processBlock = (): object => ({ v: ${v}, thread: (globalThis as any).__pbThread ??= Math.random() });\n`;

describe('edits that keep size and mtime', () => {
  it('a new runner runs the new code (the disk cache is keyed on content)', async () => {
    const cacheDir = join(root, 'cache-new-runner');
    const dir = folder({ 'edit.ts': returning(1) });
    const script = join(dir, 'edit.ts');
    const first = runner(cacheDir);
    expect((await first.run(call(script))).returned?.v).toBe(1);
    await first.close();
    editKeepingStat(script, returning(2));
    const second = runner(cacheDir);
    expect((await second.run(call(script))).returned?.v).toBe(2);
    await second.close();
  });

  it('reloadScripts: the same worker runs the new code from its next call; before it, the code it loaded', async () => {
    const cacheDir = join(root, 'cache-same-worker');
    const dir = folder({ 'edit.ts': returning(1) });
    const script = join(dir, 'edit.ts');
    const r = runner(cacheDir);
    const a = (await r.run(call(script))).returned;
    expect(a?.v).toBe(1);
    editKeepingStat(script, returning(2));
    // A worker keeps the code it loaded (SPEC §3.1) until told otherwise.
    expect((await r.run(call(script))).returned).toEqual(a);
    r.reloadScripts([script]);
    const b = (await r.run(call(script))).returned;
    expect(b?.v).toBe(2);
    expect(b?.thread).toBe(a?.thread); // the same worker: its module map did not serve the old module
    editKeepingStat(script, returning(3));
    r.reloadScripts(); // every script
    expect((await r.run(call(script))).returned?.v).toBe(3);
    await r.close();
  });

  it('reloadScripts reloads changed local imports of a TypeScript script (through the loader hooks)', async () => {
    const dir = folder({
      'entry.ts': "import { value } from './helper.js';\nexport const processBlock = (): object => ({ v: value });\n",
      'helper.ts': 'export const value: number = 1;\n',
    });
    const r = runner(join(root, 'cache-hooks'));
    const script = join(dir, 'entry.ts');
    expect((await r.run(call(script))).returned?.v).toBe(1);
    editKeepingStat(join(dir, 'helper.ts'), 'export const value: number = 2;\n');
    r.reloadScripts([script]);
    expect((await r.run(call(script))).returned?.v).toBe(2);
    editKeepingStat(join(dir, 'helper.ts'), 'export const value: number = 3;\n');
    r.reloadScripts([script]);
    expect((await r.run(call(script))).returned?.v).toBe(3);
    await r.close();
  });

  it('reloadScripts reloads a JavaScript script and its local imports', async () => {
    const dir = folder({
      'entry.mjs': "import { value } from './helper.mjs';\nexport function processBlock() {\n  return { v: value };\n}\n",
      'helper.mjs': 'export const value = 1;\n',
    });
    const r = runner(false);
    const script = join(dir, 'entry.mjs');
    expect((await r.run(call(script))).returned?.v).toBe(1);
    editKeepingStat(join(dir, 'helper.mjs'), 'export const value = 2;\n');
    r.reloadScripts([script]);
    expect((await r.run(call(script))).returned?.v).toBe(2);
    await r.close();
  });

  it('reloadScripts takes absolute paths only', () => {
    const r = runner(false);
    expect(() => r.reloadScripts(['relative.ts'])).toThrow(ProcblockError);
    return r.close();
  });
});

describe('the run list a call came from is sent to each worker once', () => {
  it('a frozen block reaches the script on every call (and frozen there); an unfrozen one is sent each time', async () => {
    const dir = folder({
      'block.mjs': 'export function processBlock(pipeData, block) {\n  return { items: block.length, frozen: Object.isFrozen(block) && Object.isFrozen(block[0]) };\n}\n',
    });
    const r = createScriptRunner({ unidist: noUnidist, logger: recordingLogger().logger, maxThreads: 2, minThreads: 2, cacheDir: false });
    const script = join(dir, 'block.mjs');
    const frozen = Object.freeze([Object.freeze({ script: 'a' }), Object.freeze({ script: 'b' })]);
    const outs = await Promise.all(Array.from({ length: 8 }, () => r.run(call(script, { block: frozen }))));
    for (const o of outs) expect(o.returned).toEqual({ items: 2, frozen: true });
    const other = Object.freeze([Object.freeze({ script: 'c' })]);
    expect((await r.run(call(script, { block: other }))).returned).toEqual({ items: 1, frozen: true });
    expect((await r.run(call(script, { block: frozen }))).returned).toEqual({ items: 2, frozen: true });
    const open = [{ script: 'x' }];
    expect((await r.run(call(script, { block: open }))).returned).toEqual({ items: 1, frozen: false });
    open.push({ script: 'y' });
    expect((await r.run(call(script, { block: open }))).returned).toEqual({ items: 2, frozen: false });
    await r.close();
  });

  it('a worker is sent a frozen block once: later calls get the very object it kept', async () => {
    const dir = folder({
      'same.mjs':
        'export function processBlock(pipeData, block, rs, input, ctx) {\n  const same = globalThis.__pbLast === block;\n  const sameParent = globalThis.__pbParent === ctx.blockParent;\n  globalThis.__pbLast = block;\n  globalThis.__pbParent = ctx.blockParent;\n  return { same, sameParent, parentRun: ctx.blockParent.run?.length };\n}\n',
    });
    const r = runner(false);
    const script = join(dir, 'same.mjs');
    const block = Object.freeze(Array.from({ length: 200 }, (_, i) => Object.freeze({ script: `s${i}.ts`, cache: 5 })));
    const blockParent = Object.freeze({ run: block });
    expect((await r.run(call(script, { block, blockParent }))).returned).toEqual({ same: false, sameParent: false, parentRun: 200 });
    expect((await r.run(call(script, { block, blockParent }))).returned).toEqual({ same: true, sameParent: true, parentRun: 200 });
    // The same content in another object (a block loaded again) is the same block to the worker.
    const again = Object.freeze(block.map((item) => Object.freeze({ ...item })));
    expect((await r.run(call(script, { block: again, blockParent }))).returned).toEqual({ same: true, sameParent: true, parentRun: 200 });
    const unfrozen = [{ script: 'x' }];
    const openParent = { run: unfrozen };
    expect((await r.run(call(script, { block: unfrozen, blockParent: openParent }))).returned).toEqual({ same: false, sameParent: false, parentRun: 1 });
    expect((await r.run(call(script, { block: unfrozen, blockParent: openParent }))).returned).toEqual({ same: false, sameParent: false, parentRun: 1 });
    await r.close();
  });

  it('beyond the number of values a worker keeps, it starts over and every call still gets its own block', async () => {
    const dir = folder({ 'len.mjs': 'export function processBlock(pipeData, block, rs, input, ctx) {\n  return { items: block.length, parent: ctx.blockParent.name };\n}\n' });
    const r = runner(false);
    const script = join(dir, 'len.mjs');
    const blocks = Array.from({ length: 50 }, (_, i) => Object.freeze(Array.from({ length: i + 1 }, () => Object.freeze({}))));
    const parents = blocks.map((_, i) => Object.freeze({ name: `p${i}` }));
    for (const round of [0, 1]) {
      for (let i = 0; i < blocks.length; i++) {
        const out = await r.run(call(script, { block: blocks[i], blockParent: parents[i] }));
        expect(out.returned, `round ${round}, block ${i}`).toEqual({ items: i + 1, parent: `p${i}` });
      }
    }
    await r.close();
  });

  it('a frozen env (the runtime\'s) is kept the same way; an unfrozen one is sent with each call', async () => {
    const dir = folder({
      'env.mjs':
        'export function processBlock(pipeData, block, rs, input, ctx) {\n  const same = globalThis.__pbEnv === ctx.env;\n  globalThis.__pbEnv = ctx.env;\n  return { v: ctx.env.V, same, frozen: Object.isFrozen(ctx.env) };\n}\n',
    });
    const r = runner(false);
    const script = join(dir, 'env.mjs');
    const env = Object.freeze({ V: 'one' });
    expect((await r.run(call(script, { env }))).returned).toEqual({ v: 'one', same: false, frozen: true });
    expect((await r.run(call(script, { env }))).returned).toEqual({ v: 'one', same: true, frozen: true });
    // Another frozen env (say, after a reload) is another value: never the kept one.
    expect((await r.run(call(script, { env: Object.freeze({ V: 'two' }) }))).returned).toEqual({ v: 'two', same: false, frozen: true });
    const open: Record<string, string> = { V: 'three' };
    expect((await r.run(call(script, { env: open }))).returned).toEqual({ v: 'three', same: false, frozen: false });
    open.V = 'four';
    expect((await r.run(call(script, { env: open }))).returned).toEqual({ v: 'four', same: false, frozen: false });
    await r.close();
  });

  it('a call whose data cannot be cloned does not leave the worker without its block', async () => {
    const dir = folder({ 'block.mjs': 'export function processBlock(pipeData, block) {\n  return { items: block.length };\n}\n' });
    const r = runner(false);
    const script = join(dir, 'block.mjs');
    const block = Object.freeze([Object.freeze({ a: 1 })]);
    await expect(r.run(call(script, { block, pipeData: { fn: () => 1 } }))).rejects.toSatisfy((e: unknown) => e instanceof ProcblockError && e.code === 'PB_ERR_INVALID_ARGUMENT');
    expect((await r.run(call(script, { block }))).returned).toEqual({ items: 1 });
    await r.close();
  });
});

