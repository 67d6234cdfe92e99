/**
 * Worker entry of the script runner (loaded by piscina in every worker thread).
 *
 * Boot (before the first task): open this worker's channel to the runner (abort requests in, log
 * records and unidist calls out) and route console output to the runtime log, since stdout
 * carries only the CLI result. Scripts are loaded by script-loader.ts.
 *
 * Each task is a batch of calls of one script (protocol.ts `BatchTask`), started in order. Each
 * call: load the script (cached per worker by path and reload generation), call `processBlock`,
 * and answer with a `WorkerAnswer`; the outcome is checked for values that cannot cross threads
 * first, so such a return value fails this call with a clear error instead of crashing the
 * worker. Calls that finish within this worker's turn answer together as the task's result; the
 * others answer one by one on the channel as they finish.
 */
import { basename } from 'node:path';
import { BroadcastChannel, threadId, workerData } from 'node:worker_threads';
import { format } from 'node:util';
import { ERROR_CODES, type ErrorCode } from '../core/errors.js';
import { IdTable } from '../core/id-table.js';
import type { Unidist } from '../unidist/types.js';
import { deepFreeze, type KeptValue } from './kept-value.js';
import { findUncloneable } from './clone-check.js';
import { diffPipeData, snapshotPipeData } from './pipe-data-diff.js';
import {
  isChannelMessage,
  workerChannelName,
  type AnswerMessage,
  type BatchResult,
  type BatchTask,
  type PingMessage,
  type TaskFailure,
  type TaskPayload,
  type WorkerAnswer,
  type WorkerInit,
} from './protocol.js';
import { errorParts, LoadFailure, ScriptLoader, type ErrorParts } from './script-loader.js';
import { WorkerLog } from './worker-log.js';
import { connectWorkerUnidist } from './worker-unidist.js';
import type { ScriptContext, ScriptLog } from '../script-api.js';
import type { PlainObject, ScriptOutcome } from './types.js';
import { decodeCall, encodeAnswer, type AnswerWire } from './wire.js';

const init = workerData as WorkerInit;
const loader = new ScriptLoader(init.tsHooks);
const channel = new BroadcastChannel(workerChannelName(init.runnerId, threadId));
// Never keep the worker alive for the channel: piscina decides the worker's lifetime.
(channel as unknown as { unref(): void }).unref();
const log = new WorkerLog(channel);
log.captureConsole();

/**
 * ctx.signal of one call. The AbortController is made on first use of ctx.signal: most scripts
 * never read it, and creating one per call is measurable on the no-op path.
 */
class CallState {
  private controller: AbortController | undefined;
  private reason: string | undefined;
  constructor(readonly callId: number) {}
  abort(reason: string): void {
    if (this.reason !== undefined) return;
    this.reason = reason;
    this.controller?.abort(new Error(reason));
  }
  signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.reason !== undefined) this.controller.abort(new Error(this.reason));
    }
    return this.controller.signal;
  }
}

/** Calls running on this worker, by call id (an IdTable: they come and go all the time). */
const calls = new IdTable<CallState>();

/**
 * ctx.signal: one getter shared by every call's ctx, reading the call's state from the ctx. A
 * getter written in each ctx's object literal would be a new closure per call, and V8 gives such
 * an object a map of its own that keeps the closure alive through the next scavenge: measured,
 * a worker running no-op calls promoted 6 % of all it allocated and spent 2.6 µs per call in
 * scavenges. Enumerable and configurable, as a literal's getter is, so `{ ...ctx }` still has
 * `signal`.
 */
const CALL_STATE = Symbol('procblock.callState');
const SIGNAL_PROPERTY: PropertyDescriptor = {
  enumerable: true,
  configurable: true,
  get(this: { [CALL_STATE]: CallState }): AbortSignal {
    return this[CALL_STATE].signal();
  },
};

/** Values this worker keeps, by content key (kept-value.ts): sent once, then referred to. */
const kept = new Map<string, unknown>();

function keptValue(kv: KeptValue): unknown {
  const { key } = kv;
  if (key === undefined) return kv.value;
  if (kv.value !== undefined) {
    const value = deepFreeze(kv.value);
    kept.set(key, value);
    return value;
  }
  if (!kept.has(key)) throw new KeptMissing(`this worker was not sent the value ${key}`);
  return kept.get(key);
}

/** A value the call refers to by key was never received (the runner sends the call again). */
class KeptMissing extends Error {}
/** Aborts that arrived before their task (the channel and piscina's port are not ordered). */
const earlyAborts = new Map<number, string>();

channel.addEventListener('message', (ev) => {
  const data: unknown = (ev as MessageEvent).data;
  if (!isChannelMessage(data)) return;
  if (data.pb === 'ping') {
    const pong: PingMessage = { pb: 'pong', seq: data.seq };
    channel.postMessage(pong);
    return;
  }
  if (data.pb !== 'abort') return;
  const call = calls.get(data.callId);
  if (call) call.abort(data.reason);
  else rememberEarlyAbort(data.callId, data.reason);
});

/** An abort can also arrive just after its call finished here; keep only the newest few. */
function rememberEarlyAbort(callId: number, reason: string): void {
  earlyAborts.set(callId, reason);
  if (earlyAborts.size > 256) {
    const oldest = earlyAborts.keys().next();
    if (!oldest.done) earlyAborts.delete(oldest.value);
  }
}

// A promise a script left rejected (fire-and-forget) would otherwise crash this worker and
// whichever call it is running at the time: log it instead.
process.on('unhandledRejection', (reason) => {
  const text = reason instanceof Error ? (reason.stack ?? reason.message) : format(reason);
  log.post('error', `unhandled promise rejection in a script: ${text}`, undefined, log.current);
});

const unidist: Unidist = connectWorkerUnidist(channel);

interface ScriptInfo {
  readonly name: string;
  readonly log: ScriptLog;
}
const infos = new Map<string, ScriptInfo>();

function scriptInfo(script: string): ScriptInfo {
  let info = infos.get(script);
  if (!info) {
    const name = basename(script);
    info = { name, log: log.forScript(name) };
    infos.set(script, info);
  }
  return info;
}

function isPlainObject(v: unknown): v is PlainObject {
  if (typeof v !== 'object' || v === null) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

const EMPTY_SNAPSHOT = {};

/** Calls running on this worker now (all of one script). */
let running = 0;

/**
 * The piscina task handler (a batch, see protocol.ts). Never throws: every failure is described
 * as data. Ends when the batch's last call ends, so piscina counts the worker busy until then.
 */
export default async function runTask(task: BatchTask): Promise<BatchResult> {
  const payloads: TaskPayload[] = [];
  let prev: TaskPayload | undefined;
  for (const w of task.calls) payloads.push((prev = decodeCall(w, prev)));
  if (payloads.length === 1) {
    // Alone: nothing to hold back, so its answer comes with the task, however long it takes.
    const answer = await runCall(payloads[0]!);
    answer.logSeq = log.sent;
    return { answers: [encodeAnswer(answer)] };
  }
  const running: Promise<WorkerAnswer>[] = [];
  for (const p of payloads) running.push(runCall(p));
  let answers: WorkerAnswer[] | undefined;
  const together = Promise.all(running).then((all) => {
    answers = all;
  });
  // The end of this turn, unless every call is over first. Cleared then: an idle piscina worker
  // sleeps in Atomics.wait without turning its event loop, and a pending immediate would keep
  // this batch's promises alive until the worker's next turn.
  let turn: NodeJS.Immediate | undefined;
  await Promise.race([together, new Promise<void>((resolve) => (turn = setImmediate(resolve)))]);
  clearImmediate(turn);
  if (answers !== undefined) {
    const logSeq = log.sent;
    // Pushed, not mapped: see script-runner.ts `send` on holey arrays.
    const wire: AnswerWire[] = [];
    for (const answer of answers) {
      answer.logSeq = logSeq;
      wire.push(encodeAnswer(answer));
    }
    return { answers: wire };
  }
  // A call still runs (it awaits something): every answer goes on the channel as it comes.
  await Promise.all(
    running.map((call, i) =>
      call.then((answer) => {
        const { callId, script } = payloads[i]!;
        answer.logSeq = log.sent;
        try {
          const msg: AnswerMessage = { pb: 'answer', callId, answer: encodeAnswer(answer) };
          channel.postMessage(msg);
        } catch (e) {
          // Checked for values that cannot cross threads already; should one slip through, the
          // call fails with a reason instead of failing its whole batch.
          const failed = fail('PB_ERR_SCRIPT_THROW', script, e, (p) => `script ${script} answered with a value that cannot be passed between threads: ${p.message}`);
          const msg: AnswerMessage = { pb: 'answer', callId, answer: encodeAnswer({ ...failed, logSeq: log.sent }) };
          channel.postMessage(msg);
        }
      }),
    ),
  );
  return { answers: undefined };
}

async function runCall(task: TaskPayload): Promise<WorkerAnswer> {
  const start = performance.now();
  const state = new CallState(task.callId);
  const early = earlyAborts.get(task.callId);
  if (early !== undefined) earlyAborts.delete(task.callId);
  if (task.aborted || early !== undefined) state.abort(early ?? 'aborted before start');
  calls.set(task.callId, state);
  const script = task.script;
  const info = scriptInfo(script);
  // Calls of one script only share a worker (script-runner.ts): console output is that script's.
  log.current = info.name;
  running++;
  try {
    if (task.keptReset) kept.clear();
    const block = keptValue(task.block);
    const blockParent = keptValue(task.blockParent);
    const env = keptValue(task.env) as Readonly<Record<string, string>>;
    const handler = loader.cached(script, task.scriptGen) ?? (await loader.load(script, task.scriptGen));
    const pipeData = task.pipeData;
    const before = isEmpty(pipeData) ? EMPTY_SNAPSHOT : snapshotPipeData(pipeData);
    const ctx = {
      tag: task.tag,
      cwd: task.cwd,
      env,
      blockParent,
      unidist,
      log: info.log,
      [CALL_STATE]: state,
    } as unknown as ScriptContext;
    Object.defineProperty(ctx, 'signal', SIGNAL_PROPERTY);
    let returned: unknown;
    try {
      returned = await handler(pipeData, block, task.requestState, task.inputData, ctx);
    } catch (e) {
      return fail(thrownCode(e), script, e, (p) => `script ${script} threw: ${p.name}: ${p.message}`);
    }
    try {
      const changes = diffPipeData(before, pipeData);
      const plain = isPlainObject(returned);
      // Web requests: what the script set in requestState.response goes back (SPEC §7).
      const response = (task.requestState as { response?: unknown }).response;
      const outcome: ScriptOutcome = {
        returned: plain ? (returned as PlainObject) : undefined,
        returnedNonObject: !plain && returned !== undefined,
        pipeDataSet: changes.set,
        pipeDataDeleted: changes.deleted,
        durationMs: performance.now() - start,
        ...(isPlainObject(response) ? { response } : {}),
      };
      const bad =
        findUncloneable(outcome.returned, 'returned') ??
        findUncloneable(changes.set, 'pipeData') ??
        findUncloneable(outcome.response, 'requestState.response');
      if (bad !== undefined) throw new TypeError(`${bad} cannot be cloned`);
      return { ok: true, outcome };
    } catch (e) {
      return fail('PB_ERR_SCRIPT_THROW', script, e, (p) => `script ${script} returned or left in pipeData a value that cannot be passed between threads: ${p.message}`);
    }
  } catch (e) {
    if (e instanceof LoadFailure) return { ok: false, failure: e.failure };
    if (e instanceof KeptMissing) return { ...fail('PB_ERR_WORKER_EXIT', script, e, (p) => `internal: ${p.message}`), keptMissing: true };
    return fail('PB_ERR_SCRIPT_THROW', script, e, (p) => `script ${script} failed: ${p.message}`);
  } finally {
    calls.delete(task.callId);
    if (--running === 0) log.current = undefined;
  }
}

/**
 * A script fails with one of procblock's own codes by throwing an error whose `code` is that
 * code (e.g. blocks/ collectors on a non-Linux system: PB_ERR_UNSUPPORTED_PLATFORM); any other
 * throw is PB_ERR_SCRIPT_THROW.
 */
function thrownCode(e: unknown): ErrorCode {
  const code = errorParts(e).code;
  return typeof code === 'string' && Object.hasOwn(ERROR_CODES, code) ? (code as ErrorCode) : 'PB_ERR_SCRIPT_THROW';
}

function fail(code: TaskFailure['code'], script: string, e: unknown, message: (p: ErrorParts) => string): WorkerAnswer {
  const p = errorParts(e);
  return { ok: false, failure: { code, message: message(p), errorName: p.name, errorMessage: p.message, stack: p.stack, file: script } };
}

function isEmpty(o: object): boolean {
  for (const _ in o) return false;
  return true;
}
