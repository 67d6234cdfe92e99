import { mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ProcblockError } from '../../dist/core/errors.js';
import { createScriptRunner, type ScriptOutcome, type ScriptRunner } from '../../dist/exec/index.js';
import { PING_GRACE_MS } from '../../dist/exec/script-runner.js';
import type { Unidist } from '../../dist/unidist/types.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { call, FIXTURES, recordingLogger } from './run-helpers.js';

/** Scripts in these tests never touch ctx.unidist (see unidist-from-scripts.test.ts). */
const noUnidist = {} as Unidist;

async function rejection(p: Promise<unknown>): Promise<ProcblockError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(ProcblockError);
    return e as ProcblockError;
  }
  throw new Error('expected a rejection');
}

describe('script runner: loading and results', () => {
  const cacheDir = mkdtempSync(join(tmpdir(), 'pb-exec-cache-'));
  const log = recordingLogger();
  let runner: ScriptRunner;
  beforeAll(() => {
    runner = createScriptRunner({ unidist: noUnidist, logger: log.logger, maxThreads: 2, cacheDir });
  });
  afterAll(async () => {
    await runner.close();
    rmSync(cacheDir, { recursive: true, force: true });
  });

  it.each([
    ['simple.ts', 'ts'],
    ['module.mts', 'mts'],
    ['plain.js', 'js'],
    ['plain.mjs', 'mjs'],
  ])('runs %s without a build step', async (script, kind) => {
    const out = await runner.run(call(script, { pipeData: { n: 4 } }));
    expect(out.returned?.kind).toBe(kind);
    expect(out.returnedNonObject).toBe(false);
  });

  it('ctx.signal is an own enumerable property of ctx, as a literal getter was: a copy made with a spread keeps it', async () => {
    const out = await runner.run(call('spreads-ctx.mjs'));
    expect(out.returned).toEqual({ keys: ['blockParent', 'cwd', 'env', 'log', 'signal', 'tag', 'unidist'], signalAborted: false, signalIsOwn: true, signalConfigurable: true });
  });

  it('passes the arguments and ctx fields through', async () => {
    const out = await runner.run(
      call('simple.ts', { pipeData: { n: 1 }, block: ['item'], inputData: { a: 1 }, tag: 'notify x', cwd: '/tmp', env: { GREETING: 'hello' } }),
    );
    expect(out.returned).toEqual({ kind: 'ts', n: 2, block: ['item'], input: { a: 1 }, tag: 'notify x', cwd: '/tmp', env: 'hello' });
  });

  it('resolves relative TypeScript imports (./x.js → x.ts, extensionless) and node: built-ins', async () => {
    const out = await runner.run(call('imports-relative.ts', { pipeData: { n: 5 } }));
    expect(out.returned).toEqual({ doubled: 10, tripled: 15, lib: 'double' });
    const b = await runner.run(call('uses-builtin.ts', { cwd: '/var/tmp' }));
    expect(b.returned).toEqual({ base: 'tmp' });
  });

  it('resolves npm packages from the script\'s location', async () => {
    const out = await runner.run(call('imports-npm.ts'));
    expect(out.returned).toEqual({ parsed: { a: [1, 2] } });
  });

  it('lets a JavaScript script import a TypeScript helper', async () => {
    const out = await runner.run(call('js-imports-ts.mjs'));
    expect(out.returned).toEqual({ fromJs: 42 });
  });

  it("resolves value imports from 'procblock' to this package", async () => {
    const out = await runner.run(call('imports-procblock-value.ts'));
    expect(out.returned).toEqual({ throwExit: 1 });
  });

  it('reports top-level keys the script set, changed (in place too) and deleted', async () => {
    const out = await runner.run(call('mutates.ts', { pipeData: { list: [1], changed: 1, removed: 0, untouched: { a: [1] } } }));
    expect(out.returned).toEqual({ returnedKey: true });
    expect(out.pipeDataSet).toEqual({ added: 'new', changed: 2, list: [1, 3] });
    expect(out.pipeDataDeleted).toEqual(['removed']);
  });

  it('flags a non-object return and accepts returning nothing', async () => {
    const arr = await runner.run(call('returns-array.ts'));
    expect(arr.returned).toBeUndefined();
    expect(arr.returnedNonObject).toBe(true);
    const none = await runner.run(call('returns-nothing.mjs'));
    expect(none.returnedNonObject).toBe(false);
    expect(none.pipeDataSet).toEqual({ touched: true });
  });

  it('routes ctx.log and console output to the logger with source script:<file>', async () => {
    await runner.run(call('logs.ts'));
    const fromCtx = await log.waitFor((r) => r.msg === 'from ctx.log');
    expect(fromCtx).toMatchObject({ level: 'warn', source: 'script:logs.ts', fields: { answer: 42 } });
    const fromConsole = await log.waitFor((r) => r.msg === 'from console.log');
    expect(fromConsole).toMatchObject({ level: 'info', source: 'script:logs.ts' });
  });

  it('logs a promise a script left rejected instead of crashing the worker', async () => {
    const own = recordingLogger();
    const one = createScriptRunner({ unidist: noUnidist, logger: own.logger, maxThreads: 1, cacheDir: false });
    const before = (await one.run(call('thread-id.mjs'))).returned?.threadId;
    expect((await one.run(call('rejects-later.mjs'))).returned).toEqual({ fine: true });
    const rec = await own.waitFor((r) => r.msg.includes('forgotten rejection'));
    expect(rec.level).toBe('error');
    expect((await one.run(call('thread-id.mjs'))).returned?.threadId).toBe(before);
    await one.close();
  });

  it('caches transformed TypeScript on disk and picks up a changed file', async () => {
    expect(readdirSync(cacheDir).some((f) => f.endsWith('.mjs'))).toBe(true);
    const dir = mkdtempSync(join(tmpdir(), 'pb-exec-edit-'));
    const script = join(dir, 'edit.ts');
    writeFileSync(script, 'export const processBlock = (): object => ({ v: 1 });\n');
    const first = createScriptRunner({ unidist: noUnidist, logger: log.logger, maxThreads: 1, cacheDir });
    expect((await first.run(call(script))).returned).toEqual({ v: 1 });
    await first.close();
    writeFileSync(script, 'export const processBlock = (): object => ({ v: 22 });\n');
    utimesSync(script, new Date(), new Date(Date.now() + 5000));
    const second = createScriptRunner({ unidist: noUnidist, logger: log.logger, maxThreads: 1, cacheDir });
    expect((await second.run(call(script))).returned).toEqual({ v: 22 });
    await second.close();
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('script runner: errors', () => {
  const log = recordingLogger();
  let runner: ScriptRunner;
  beforeAll(() => {
    runner = createScriptRunner({ unidist: noUnidist, logger: log.logger, maxThreads: 2, cacheDir: false });
  });
  afterAll(() => runner.close());

  it('a relative script path → PB_ERR_INVALID_ARGUMENT', async () => {
    const e = await rejection(runner.run({ ...call('plain.mjs'), script: 'plain.mjs' }));
    expect(e.code).toBe('PB_ERR_INVALID_ARGUMENT');
  });

  it('call data that cannot be cloned → PB_ERR_INVALID_ARGUMENT, the pool keeps serving', async () => {
    const e = await rejection(runner.run(call('plain.mjs', { pipeData: { fn: () => 1 } })));
    expect(e.code).toBe('PB_ERR_INVALID_ARGUMENT');
    expect((await runner.run(call('plain.mjs'))).returned).toEqual({ kind: 'mjs' });
  });

  it('a call right behind one whose data cannot be cloned still gets the block that call was to carry', async () => {
    const block = Object.freeze({ run: Object.freeze([Object.freeze({ script: 'plain.mjs' })]), n: Math.random() });
    await runner.run(call('plain.mjs')); // a worker is up
    // Both handed to a worker in the same turn: the first took the block as sent, then failed to clone.
    const bad = rejection(runner.run(call('plain.mjs', { block, pipeData: { fn: () => 1 } })));
    const good = runner.run(call('plain.mjs', { block }));
    expect((await bad).code).toBe('PB_ERR_INVALID_ARGUMENT');
    expect((await good).returned).toEqual({ kind: 'mjs' });
  });

  it('in a batch, only the call whose data cannot be cloned fails', async () => {
    const one = createScriptRunner({ unidist: noUnidist, logger: log.logger, maxThreads: 1, cacheDir: false });
    // One worker: the calls of one turn go to it as one batch.
    const good = one.run(call('plain.mjs'));
    const bad = rejection(one.run(call('plain.mjs', { pipeData: { fn: () => 1 } })));
    const after = one.run(call('plain.mjs'));
    expect((await bad).code).toBe('PB_ERR_INVALID_ARGUMENT');
    expect((await good).returned).toEqual({ kind: 'mjs' });
    expect((await after).returned).toEqual({ kind: 'mjs' });
    await one.close();
  });

  it('bad options → PB_ERR_INVALID_ARGUMENT naming the option', () => {
    expect(() => createScriptRunner({ unidist: noUnidist, logger: log.logger, maxThreads: 0 })).toThrow(/maxThreads/);
    expect(() => createScriptRunner({ unidist: noUnidist, logger: log.logger, defaultTimeoutMs: -1 })).toThrow(/defaultTimeoutMs/);
  });

  it('missing script → PB_ERR_SCRIPT_NOT_FOUND', async () => {
    const e = await rejection(runner.run(call('does-not-exist.ts')));
    expect(e.code).toBe('PB_ERR_SCRIPT_NOT_FOUND');
    expect(e.message).toContain('does-not-exist.ts');
  });

  it('TypeScript syntax error → PB_ERR_SCRIPT_SYNTAX naming file and line', async () => {
    const e = await rejection(runner.run(call('syntax-error-fn.ts')));
    expect(e.code).toBe('PB_ERR_SCRIPT_SYNTAX');
    expect(e.location).toMatchObject({ file: FIXTURES + 'syntax-error-fn.ts', line: 3 });
    expect(e.message).toContain('syntax-error-fn.ts:3');
  });

  it('TypeScript syntax error inside an arrow function → PB_ERR_SCRIPT_SYNTAX naming the file', async () => {
    const e = await rejection(runner.run(call('syntax-error.ts')));
    expect(e.code).toBe('PB_ERR_SCRIPT_SYNTAX');
    expect(e.location?.file).toBe(FIXTURES + 'syntax-error.ts');
  });

  it('JavaScript syntax error → PB_ERR_SCRIPT_SYNTAX naming file and line', async () => {
    const e = await rejection(runner.run(call('syntax-error.mjs')));
    expect(e.code).toBe('PB_ERR_SCRIPT_SYNTAX');
    expect(e.location).toMatchObject({ file: FIXTURES + 'syntax-error.mjs', line: 2 });
  });

  it('no processBlock export → PB_ERR_SCRIPT_NO_EXPORT', async () => {
    const e = await rejection(runner.run(call('no-export.ts')));
    expect(e.code).toBe('PB_ERR_SCRIPT_NO_EXPORT');
  });

  it('a throwing script → PB_ERR_SCRIPT_THROW naming the script, keeping its stack with .ts lines', async () => {
    const e = await rejection(runner.run(call('throws.ts', { pipeData: { n: 7 } })));
    expect(e.code).toBe('PB_ERR_SCRIPT_THROW');
    expect(e.message).toContain(FIXTURES + 'throws.ts');
    const cause = e.cause as Error;
    expect(cause.name).toBe('RangeError');
    expect(cause.message).toBe('bad value 7');
    // deepHelper throws on line 4 of throws.ts; processBlock calls it on line 8.
    expect(cause.stack).toContain('throws.ts:4:');
    expect(cause.stack).toContain('throws.ts:8:');
  });

  it('a return value that cannot cross threads → PB_ERR_SCRIPT_THROW, worker kept', async () => {
    const e = await rejection(runner.run(call('bad-return.ts')));
    expect(e.code).toBe('PB_ERR_SCRIPT_THROW');
    expect((await runner.run(call('plain.mjs'))).returned).toEqual({ kind: 'mjs' });
  });
});

/** close() on a runner whose clock is a FakeClock: its log-drain and deadline timers need the clock to move. */
async function closeOnClock(runner: ScriptRunner, clock: FakeClock): Promise<void> {
  const closing = runner.close(1000);
  await clock.advance(1000);
  await closing;
}

describe('script runner: timeouts, crashes, aborts, close', () => {
  // Timeouts run on the test's clock: it moves only once the script has said it started, so a
  // slow worker start-up on a loaded machine can never be mistaken for the script's own time.
  it('a timeout terminates and replaces the worker; the next call works', async () => {
    const log = recordingLogger();
    const clock = new FakeClock();
    const runner = createScriptRunner({ unidist: noUnidist, logger: log.logger, maxThreads: 1, defaultTimeoutMs: 300, cacheDir: false, clock });
    const before = (await runner.run(call('thread-id.mjs'))).returned?.threadId;
    const busy = rejection(runner.run(call('busy-loop.mjs')));
    await log.waitFor((r) => r.msg === 'spinning');
    await clock.advance(300);
    expect((await busy).code).toBe('PB_ERR_SCRIPT_TIMEOUT');
    const hang = rejection(runner.run(call('hangs.ts', { timeoutMs: 200 })));
    await log.waitFor((r) => r.msg === 'hanging');
    await clock.advance(199);
    expect(runner.inFlight).toBe(1);
    await clock.advance(1);
    expect((await hang).code).toBe('PB_ERR_SCRIPT_TIMEOUT');
    const after = (await runner.run(call('thread-id.mjs'))).returned?.threadId;
    expect(typeof after).toBe('number');
    expect(after).not.toBe(before);
    await closeOnClock(runner, clock);
  });

  it('queues calls beyond maxThreads; queue time does not count against a timeout', async () => {
    const log = recordingLogger();
    const clock = new FakeClock();
    const runner = createScriptRunner({ unidist: noUnidist, logger: log.logger, maxThreads: 1, cacheDir: false, clock });
    await runner.run(call('thread-id.mjs')); // the worker is up
    const hang = rejection(runner.run(call('hangs.ts', { timeoutMs: 300 })));
    const queued = [1, 2, 3].map((n) => runner.run(call('reports-abort.mjs', { pipeData: { n }, timeoutMs: 300 })));
    await log.waitFor((r) => r.msg === 'hanging');
    // 300 ms pass while the three wait in the queue: only the running call times out; the
    // queued ones start with their whole 300 ms (their ctx.signal is not aborted).
    await clock.advance(300);
    expect((await hang).code).toBe('PB_ERR_SCRIPT_TIMEOUT');
    const outs = await Promise.all(queued);
    expect(outs.map((o) => o.returned)).toEqual([1, 2, 3].map((n) => ({ seen: n, aborted: false })));
    await closeOnClock(runner, clock);
  });

  it('process.exit() in a script fails only that call; the pool keeps serving', async () => {
    const log = recordingLogger();
    const runner = createScriptRunner({ unidist: noUnidist, logger: log.logger, maxThreads: 2, cacheDir: false });
    const ctl = new AbortController();
    const waiting = runner.run(call('waits-for-abort.ts', { pipeData: { id: 'bystander' }, signal: ctl.signal }));
    await log.waitFor((r) => r.msg === 'waiting');
    const e = await rejection(runner.run(call('exits.ts')));
    expect(e.code).toBe('PB_ERR_WORKER_EXIT');
    ctl.abort(new Error('done'));
    expect((await waiting).returned).toMatchObject({ aborted: true, reason: 'done' });
    expect((await runner.run(call('plain.mjs'))).returned).toEqual({ kind: 'mjs' });
    await runner.close();
  });

  it('call.signal aborts ctx.signal inside the worker (after start and before start)', async () => {
    const log = recordingLogger();
    const runner = createScriptRunner({ unidist: noUnidist, logger: log.logger, maxThreads: 1, cacheDir: false });
    const ctl = new AbortController();
    const p = runner.run(call('waits-for-abort.ts', { pipeData: { id: 1 }, signal: ctl.signal }));
    await log.waitFor((r) => r.msg === 'waiting');
    expect(runner.inFlight).toBe(1);
    ctl.abort(new Error('stop please'));
    expect((await p).returned).toEqual({ aborted: true, reason: 'stop please' });
    const pre = new AbortController();
    pre.abort(new Error('already'));
    expect((await runner.run(call('waits-for-abort.ts', { signal: pre.signal }))).returned).toEqual({ aborted: true, early: true });
    await runner.close();
  });

  it('abortAll() aborts every in-flight call cooperatively', async () => {
    const log = recordingLogger();
    const runner = createScriptRunner({ unidist: noUnidist, logger: log.logger, maxThreads: 2, cacheDir: false });
    const a = runner.run(call('waits-for-abort.ts', { pipeData: { id: 'a' } }));
    const b = runner.run(call('waits-for-abort.ts', { pipeData: { id: 'b' } }));
    await log.waitFor((r) => r.msg === 'waiting' && r.fields?.id === 'a');
    await log.waitFor((r) => r.msg === 'waiting' && r.fields?.id === 'b');
    runner.abortAll(new Error('stopping'));
    expect((await a).returned).toEqual({ aborted: true, reason: 'stopping' });
    expect((await b).returned).toEqual({ aborted: true, reason: 'stopping' });
    await runner.close();
  });

  it('close() waits for in-flight calls up to the deadline, then stops them; same promise twice', async () => {
    const log = recordingLogger();
    const runner = createScriptRunner({ unidist: noUnidist, logger: log.logger, maxThreads: 1, cacheDir: false });
    const hanging = runner.run(call('hangs.ts'));
    const settled = hanging.catch((e: unknown) => e);
    const c1 = runner.close(100);
    const c2 = runner.close(5000);
    expect(c1).toBe(c2);
    await c1;
    const e = (await settled) as ProcblockError;
    expect(e.code).toBe('PB_ERR_CLOSED');
    const after = await rejection(runner.run(call('plain.mjs')));
    expect(after.code).toBe('PB_ERR_CLOSED');
  });
});

describe('script runner: calls of one script share a worker', () => {
  const entered = (log: ReturnType<typeof recordingLogger>, id: string) => log.waitFor((r) => r.msg === 'in' && r.fields?.id === id);

  it('runs several calls of one script at once on one worker, up to callsPerWorker', async () => {
    const log = recordingLogger();
    const runner = createScriptRunner({ unidist: noUnidist, logger: log.logger, maxThreads: 1, callsPerWorker: 3, cacheDir: false });
    const ctl = new AbortController();
    const calls = ['a', 'b', 'c', 'd'].map((id) => runner.run(call('gate.mjs', { pipeData: { id }, signal: ctl.signal })));
    // a, b and c wait at once in the one worker; d waits for a free place.
    const seen = await Promise.all(['a', 'b', 'c'].map((id) => entered(log, id)));
    expect(seen.map((r) => r.fields?.others)).toEqual([[], ['a'], ['a', 'b']]);
    expect(log.records.some((r) => r.msg === 'in' && r.fields?.id === 'd')).toBe(false);
    ctl.abort(new Error('done'));
    const outs = await Promise.all(calls);
    expect(new Set(outs.map((o) => o.returned?.threadId)).size).toBe(1);
    expect(outs[3]?.returned?.others).toEqual([]);
    await runner.close();
  });

  it('a call made in the same turn as a slow one answers as soon as it is done, not with the slow one', async () => {
    const log = recordingLogger();
    const runner = createScriptRunner({ unidist: noUnidist, logger: log.logger, maxThreads: 1, cacheDir: false });
    const ctl = new AbortController();
    // One turn: both go to the one worker together, the slow one first.
    const slow = runner.run(call('gate.mjs', { pipeData: { id: 'slow' }, signal: ctl.signal }));
    const quick = runner.run(call('gate.mjs', { pipeData: { id: 'quick', quick: true } }));
    const out = await quick;
    expect(out.returned).toMatchObject({ id: 'quick', others: ['slow'] });
    expect(runner.inFlight).toBe(1);
    ctl.abort(new Error('done'));
    expect((await slow).returned).toMatchObject({ id: 'slow', threadId: out.returned?.threadId });
    await runner.close();
  });

  it('calls of a script not known to be quick, made in one turn, are spread over the idle workers', async () => {
    const log = recordingLogger();
    const runner = createScriptRunner({ unidist: noUnidist, logger: log.logger, minThreads: 2, maxThreads: 2, cacheDir: false });
    // Both workers up and attached (the runner's channels: private, read here to wait for them).
    const links = (runner as unknown as { links: { links: Map<number, unknown> } }).links.links;
    await vi.waitFor(() => expect(links.size).toBe(2), { timeout: 30_000, interval: 5 });
    const ctl = new AbortController();
    // gate.mjs has no answered call yet, so it is not known to be quick: one call per idle worker.
    const a = runner.run(call('gate.mjs', { pipeData: { id: 'a' }, signal: ctl.signal }));
    const b = runner.run(call('gate.mjs', { pipeData: { id: 'b' }, signal: ctl.signal }));
    const seen = await Promise.all(['a', 'b'].map((id) => entered(log, id)));
    expect(seen.map((r) => r.fields?.others)).toEqual([[], []]);
    ctl.abort(new Error('done'));
    const [outA, outB] = await Promise.all([a, b]);
    expect(outA?.returned?.threadId).not.toBe(outB?.returned?.threadId);
    await runner.close();
  });

  it('a batch queued behind a full worker is taken as soon as that worker has finished', async () => {
    const log = recordingLogger();
    const runner = createScriptRunner({ unidist: noUnidist, logger: log.logger, maxThreads: 1, callsPerWorker: 1, cacheDir: false });
    const outs = await Promise.all([1, 2, 3, 4].map(() => runner.run(call('thread-id.mjs'))));
    expect(new Set(outs.map((o) => o.returned?.threadId)).size).toBe(1);
    await runner.close();
  });

  it('never puts calls of two scripts on one worker: a call joins a worker running its own script', async () => {
    const log = recordingLogger();
    const runner = createScriptRunner({ unidist: noUnidist, logger: log.logger, minThreads: 2, maxThreads: 2, callsPerWorker: 4, cacheDir: false });
    const ctl = new AbortController();
    const run = (script: string, id: string): Promise<ScriptOutcome> => runner.run(call(script, { pipeData: { id }, signal: ctl.signal }));
    // Both workers busy: one with gate.mjs (a), one with gate-copy.mjs (b1).
    const a = run('gate.mjs', 'a');
    await entered(log, 'a');
    const b1 = run('gate-copy.mjs', 'b1');
    expect((await entered(log, 'b1')).fields?.others).toEqual([]);
    // The next calls of gate-copy.mjs join b1's worker, though a's worker runs fewer calls.
    const b2 = run('gate-copy.mjs', 'b2');
    expect((await entered(log, 'b2')).fields?.others).toEqual(['b1']);
    const b3 = run('gate-copy.mjs', 'b3');
    expect((await entered(log, 'b3')).fields?.others).toEqual(['b1', 'b2']);
    ctl.abort(new Error('done'));
    const [outA, ...outB] = await Promise.all([a, b1, b2, b3]);
    expect(new Set(outB.map((o) => o.returned?.threadId)).size).toBe(1);
    expect(outB[0]?.returned?.threadId).not.toBe(outA?.returned?.threadId);
    await runner.close();
  });

  it('a call that times out while awaiting fails alone: the other calls on its worker finish, then the worker is replaced', async () => {
    const log = recordingLogger();
    const clock = new FakeClock();
    const runner = createScriptRunner({ unidist: noUnidist, logger: log.logger, maxThreads: 1, cacheDir: false, clock });
    const other = new AbortController();
    const b = runner.run(call('gate.mjs', { pipeData: { id: 'b' }, signal: other.signal, timeoutMs: 60_000 }));
    await entered(log, 'b');
    const a = rejection(runner.run(call('gate.mjs', { pipeData: { id: 'a', hang: true }, timeoutMs: 200 })));
    await entered(log, 'a');
    await clock.advance(200);
    const e = await a;
    expect(e.code).toBe('PB_ERR_SCRIPT_TIMEOUT');
    // The worker answers (its event loop is free), so b is left to finish, past the ping's grace.
    await log.waitFor((r) => r.level === 'debug' && r.msg.includes('answered after'));
    await clock.advance(PING_GRACE_MS);
    // A new call does not go to the retired worker: it waits for its replacement.
    const c = runner.run(call('thread-id.mjs'));
    other.abort(new Error('done'));
    const out = await b;
    expect(out.returned).toMatchObject({ id: 'b', others: [] });
    const next = (await c).returned?.threadId;
    expect(typeof next).toBe('number');
    expect(next).not.toBe(out.returned?.threadId);
    await closeOnClock(runner, clock);
  });

  it('a call that blocks its worker past its timeout: the worker is terminated after the ping grace and its other calls fail naming it', async () => {
    const log = recordingLogger();
    const clock = new FakeClock();
    const runner = createScriptRunner({ unidist: noUnidist, logger: log.logger, maxThreads: 1, cacheDir: false, clock });
    const b = rejection(runner.run(call('gate.mjs', { pipeData: { id: 'b' }, timeoutMs: 60_000 })));
    await entered(log, 'b');
    const a = rejection(runner.run(call('gate.mjs', { pipeData: { id: 'a', spin: true }, timeoutMs: 200 })));
    await entered(log, 'a');
    await clock.advance(200);
    expect((await a).code).toBe('PB_ERR_SCRIPT_TIMEOUT');
    await clock.advance(PING_GRACE_MS - 1);
    expect(runner.inFlight).toBe(1);
    await clock.advance(1);
    const e = await b;
    expect(e.code).toBe('PB_ERR_WORKER_EXIT');
    expect(e.message).toContain('gate.mjs on the same worker did not finish within its timeout of 200 ms');
    expect(log.records.some((r) => r.level === 'warn' && r.msg.startsWith('terminating script worker'))).toBe(true);
    expect((await runner.run(call('plain.mjs'))).returned).toEqual({ kind: 'mjs' });
    await closeOnClock(runner, clock);
  });
});
