/**
 * The script runner: block scripts run in a piscina pool of worker threads (SPEC §3.1).
 *
 * - Calls made in one turn of the event loop travel together: at the end of the turn (one
 *   setImmediate) the calls of each script go to a worker as one piscina task, a batch (see
 *   `flush`). Under load one message and one wake-up of a worker then serve several calls (~4.6 a
 *   turn for a no-op RPC script under 10 connections: issue 9). A script whose calls are known to
 *   be quick (their mean duration is below QUICK_CALL_MS) sends its turn's calls as one batch;
 *   any other script's are spread over the idle workers, so calls that compute still run side by
 *   side. In the worker, calls that finish within its turn answer with the task; the others answer
 *   one by one on the channel, so a slow call never holds back a quick one (worker.ts).
 * - Calls of one script share a worker (up to `callsPerWorker` at once); calls of different scripts
 *   never do. The load balancer picks an idle worker first, starts another while the pool is below
 *   `maxThreads`, and only then adds the call to the least busy worker already running that same
 *   script. So a script that awaits (unidist, I/O) does not hold a whole thread per call, and one
 *   cross-thread wake-up serves several calls under load (a no-op RPC script: issue 9). A hung
 *   script can only ever hold up calls of its own script.
 * - A timeout (see `timedOut`) fails the call at once (PB_ERR_SCRIPT_TIMEOUT), aborts its
 *   ctx.signal and retires its worker (no new calls). A worker with no other call is terminated
 *   then; otherwise it is asked to answer a ping: if it does (its event loop is free: the script
 *   awaits something that never came), its other calls finish and it is terminated after the last
 *   one; if it does not answer within PING_GRACE_MS (a script blocks the thread), it is terminated
 *   at once and its other calls fail with PB_ERR_WORKER_EXIT naming the script that blocked it.
 * - The load balancer records which worker each call landed on, so a cooperative abort
 *   (call.signal, abortAll) goes only to that worker's channel, with no per-call message, and a
 *   timeout terminates that thread (`pool.threads`), after which piscina replaces it.
 * - Each worker gets a BroadcastChannel `procblock:<runnerId>:<threadId>`, opened on piscina's
 *   `workerCreate` (before the worker gets a task) and served by the unidist remote host; the
 *   same channel carries abort requests and log records (worker-links.ts).
 * - Timeout (counted from dispatch): ctx.signal is aborted, then the worker thread is
 *   terminated and piscina replaces it → PB_ERR_SCRIPT_TIMEOUT. A worker that exits or crashes fails only the
 *   call it was running → PB_ERR_WORKER_EXIT; the pool keeps serving.
 * - Idle workers are unref'd by piscina and our channels are unref'd, so an idle runner never
 *   keeps the process alive.
 * - A deeply frozen `block` or `blockParent` (the engine's run lists and the mappings holding
 *   them) is sent to each worker once; later calls carry only its content key (kept-value.ts),
 *   so a call's cost does not grow with the block. So is a frozen `env` (the runtime's).
 * - `reloadScripts` gives scripts a new generation: each worker loads them afresh on its next
 *   call of them (script-loader.ts).
 */
import { availableParallelism } from 'node:os';
import { isAbsolute } from 'node:path';
import { Piscina } from 'piscina';
import { systemClock, type Clock, type TimerHandle } from '../core/clock.js';
import { InputError, ProcblockError, RuntimeFailure } from '../core/errors.js';
import { IdTable } from '../core/id-table.js';
import type { Logger } from '../core/logger.js';
import type { Unidist } from '../unidist/types.js';
import { scriptWorkerFile } from './code-layout.js';
import { keptValue, sendOnce } from './kept-value.js';
import type { AbortMessage, BatchResult, BatchTask, TaskPayload, WorkerAnswer, WorkerInit } from './protocol.js';
import { decodeAnswer, encodeCall, type CallWire } from './wire.js';
import { keepWorkerViews } from './piscina-interface.js';
import { failureToError } from './script-failure.js';
import { ScriptGenerations } from './script-generations.js';
import { tsHooksData } from './ts-hooks-data.js';
import type { ScriptCall, ScriptOutcome, ScriptRunner } from './types.js';
import { WorkerLinks, type WorkerLink } from './worker-links.js';

export interface ScriptRunnerOptions {
  readonly unidist: Unidist;
  readonly logger: Logger;
  /** Milliseconds a call may run when the call sets no timeout; undefined = no limit. */
  readonly defaultTimeoutMs?: number | undefined;
  /** Default: the number of available cores.  */
  readonly maxThreads?: number | undefined;
  /**
   * Calls of the same script one worker runs at once (default 16; 1 = one call per worker, as a
   * thread per call). Calls of different scripts never share a worker.
   */
  readonly callsPerWorker?: number | undefined;
  /** Workers started at once and kept while idle. Default 1 (start-up latency of the first call). */
  readonly minThreads?: number | undefined;
  /** process.env of the worker threads. Default: a copy of the runtime's environment. */
  readonly env?: Record<string, string> | undefined;
  /** Where transformed TypeScript is cached; false = no disk cache. Default: see ts-hooks-data.ts. */
  readonly cacheDir?: string | false | undefined;
  /** Milliseconds an idle worker above minThreads is kept. Default 30 000. */
  readonly idleTimeoutMs?: number | undefined;
  readonly clock?: Clock | undefined;
}

interface InFlight {
  readonly call: ScriptCall;
  payload: TaskPayload;
  /** The worker this call's payload told to keep values, and their keys. */
  keptBy: WorkerLink | undefined;
  keptKeys: string[];
  done: Promise<unknown>;
  threadId: number | undefined;
  /** The count of calls on its worker that this call is in (see `leave`). */
  occ: Occupancy | undefined;
  /** Called by the load balancer when a worker takes the call. */
  onDispatch: ((threadId: number) => void) | undefined;
  /** Settle the call's answer (from its batch's result or the channel); set while it is dispatched. */
  answered: ((answer: WorkerAnswer) => void) | undefined;
  /** Fails the call before its worker answers (its timeout, its worker's exit). */
  fail: ((e: unknown) => void) | undefined;
  /** Why its worker was terminated under it (another call of the script blocked it). */
  terminatedBecause: string | undefined;
}

/** A batch as piscina queues it: its calls, and their wire form once a worker is chosen. */
interface QueuedBatch {
  readonly batch: InFlight[];
  readonly wire: CallWire[];
}

/** Which script a worker thread runs while it runs any call (see callsPerWorker), and how many. */
interface Occupancy {
  script: string;
  /** Calls handed to the worker and not over yet (piscina counts batches, not calls). */
  calls: number;
  /** Set once a call on it timed out: the worker takes no new call and is terminated. */
  retired: string | undefined;
  /** Why it was terminated, for the calls that fail with it. */
  terminated: string | undefined;
}

/** How long a worker whose call timed out has to answer a ping before it counts as blocked. */
export const PING_GRACE_MS = 500;

/**
 * A script whose calls last less than this on average (ms, from call to answer in the worker)
 * sends all the calls of a turn to one worker as one batch; a slower one's are spread over the
 * idle workers. Unknown (no call answered yet) counts as slow.
 */
export const QUICK_CALL_MS = 0.5;

/** How long close() waits for log records still in flight from idle workers. */
const LOG_DRAIN_MS = 250;

let runnerSeq = 0;
/** Whether piscina was made to keep one view per worker (piscina-interface.ts). */
let viewsKept = false;

export function createScriptRunner(options: ScriptRunnerOptions): ScriptRunner {
  return new PiscinaScriptRunner(options);
}

class PiscinaScriptRunner implements ScriptRunner {
  private readonly runnerId = `${process.pid}-${++runnerSeq}-${Math.random().toString(36).slice(2, 8)}`;
  private readonly pool: Piscina;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly defaultTimeoutMs: number | undefined;
  private readonly links: WorkerLinks;
  private readonly calls = new IdTable<InFlight>();
  private readonly occupancy = new Map<number, Occupancy>();
  /** Calls made this turn and not yet sent (see flush), in order. */
  private pending: InFlight[] = [];
  private flushArmed = false;
  /** Mean duration of each script's recent calls (ms, exponentially weighted). */
  private readonly durations = new Map<string, number>();
  private readonly maxThreads: number;
  private readonly callsPerWorker: number;
  private callSeq = 0;
  private readonly generations = new ScriptGenerations();
  private closing: Promise<void> | undefined;

  constructor(options: ScriptRunnerOptions) {
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger;
    this.links = new WorkerLinks(this.runnerId, options.unidist, this.logger, this.clock, (callId, answer) => this.calls.get(callId)?.answered?.(answer));
    this.defaultTimeoutMs = checkCount('defaultTimeoutMs', options.defaultTimeoutMs, 0);
    checkCount('maxThreads', options.maxThreads, 1);
    this.callsPerWorker = checkCount('callsPerWorker', options.callsPerWorker, 1) ?? 16;
    checkCount('minThreads', options.minThreads, 0);
    checkCount('idleTimeoutMs', options.idleTimeoutMs, 0);
    const workerData: WorkerInit = { runnerId: this.runnerId, tsHooks: tsHooksData(options.cacheDir) };
    const maxThreads = options.maxThreads ?? Math.max(1, availableParallelism());
    this.maxThreads = maxThreads;
    this.pool = new Piscina({
      filename: scriptWorkerFile(),
      workerData,
      maxThreads,
      minThreads: Math.min(options.minThreads ?? 1, maxThreads),
      idleTimeout: options.idleTimeoutMs ?? 30_000,
      recordTiming: false,
      concurrentTasksPerWorker: this.callsPerWorker,
      ...(options.env ? { env: options.env } : {}),
      loadBalancer: (task, workers) => {
        if (!viewsKept && workers[0]) {
          keepWorkerViews(workers[0]);
          viewsKept = true;
        }
        const queued = (task as unknown as Record<symbol, unknown>)[Piscina.queueOptionsSymbol] as QueuedBatch | null;
        const batch = queued?.batch;
        const first = batch?.[0];
        if (!queued || !batch || !first) return null;
        const chosen = this.pick(first.payload.script, batch.length, workers);
        if (chosen) {
          let occ = this.occupancy.get(chosen.id);
          // No batch running there (piscina's count; ours can lag it, see pick): a fresh count,
          // which the answers still on their way no longer change.
          if (!occ || occ.calls === 0 || chosen.currentUsage === 0) {
            occ = { script: first.payload.script, calls: 0, retired: undefined, terminated: undefined };
            this.occupancy.set(chosen.id, occ);
          }
          for (const entry of batch) {
            entry.threadId = chosen.id;
            entry.occ = occ;
            occ.calls++;
            this.attachKept(entry, chosen.id);
            entry.onDispatch?.(chosen.id);
          }
          // The wire form, now that what the worker keeps is known (attachKept); piscina posts it.
          let prev: TaskPayload | undefined;
          queued.wire.length = 0;
          for (const entry of batch) {
            queued.wire.push(encodeCall(entry.payload, prev));
            prev = entry.payload;
          }
        }
        return chosen;
      },
    });
    this.pool.on('workerCreate', (w: { id: number }) => this.links.attach(w.id));
    this.pool.on('workerDestroy', (w: { id: number }) => {
      this.links.detach(w.id);
      this.occupancy.delete(w.id);
    });
    // A worker failing while idle is reported here; without a listener it would crash the process.
    this.pool.on('error', (e: unknown) => this.logger.warn('script worker failed while idle', { error: String(e) }));
  }

  /**
   * The worker for a batch of `n` calls of `script` (see callsPerWorker), or null: piscina then
   * keeps the batch queued (and starts a worker while below maxThreads). Only workers whose channel
   * is attached: piscina also offers workers that have not reported ready (no 'workerCreate' yet),
   * and a script there would send its first unidist request before the main thread listens.
   *
   * A worker is idle when piscina runs no batch on it (`currentUsage`, batches): our count of its
   * calls goes down only once their answers are handled, after piscina has already offered the
   * worker to the batches it queued. Taken as busy then, a queued batch would wait for another
   * batch to end, which may never come.
   */
  private pick<W extends { readonly id: number; readonly currentUsage: number; readonly terminating: boolean; readonly destroyed: boolean }>(script: string, n: number, workers: readonly W[]): W | null {
    let shared: W | null = null;
    let sharedCalls = this.callsPerWorker - n + 1;
    for (const w of workers) {
      if (w.terminating || w.destroyed || !this.links.has(w.id)) continue;
      const occ = this.occupancy.get(w.id);
      if (occ?.retired !== undefined) continue;
      if (w.currentUsage === 0) return w;
      const calls = occ?.calls ?? 0;
      if (occ?.script === script && calls < sharedCalls) {
        shared = w;
        sharedCalls = calls;
      }
    }
    if (shared === null || this.pool.threads.length < this.maxThreads) return null;
    return shared;
  }

  /**
   * Workers that could take a batch now without waiting: idle ones, and those the pool may still
   * start. By our count of calls, which can lag piscina's (see pick): at worst a turn's calls are
   * spread over fewer workers.
   */
  private idleWorkers(): number {
    let idle = this.maxThreads - this.pool.threads.length;
    for (const w of this.pool.threads) {
      const occ = this.occupancy.get(w.threadId);
      if (!occ || (occ.calls === 0 && occ.retired === undefined)) idle++;
    }
    return idle;
  }

  get inFlight(): number {
    return this.calls.size;
  }

  run(call: ScriptCall): Promise<ScriptOutcome> {
    if (this.closing) {
      return Promise.reject(new RuntimeFailure('PB_ERR_CLOSED', `script runner is closed; cannot run ${call.script}`));
    }
    if (typeof call.script !== 'string' || !isAbsolute(call.script)) {
      return Promise.reject(new InputError('PB_ERR_INVALID_ARGUMENT', `ScriptCall.script must be an absolute path, got ${JSON.stringify(call.script)}`));
    }
    const callId = ++this.callSeq;
    const payload = this.payloadFor(call, callId);
    // Registered before execute(): piscina may pick a worker synchronously inside pool.run().
    const entry: InFlight = {
      call,
      payload,
      keptBy: undefined,
      keptKeys: [],
      done: Promise.resolve(),
      threadId: undefined,
      occ: undefined,
      onDispatch: undefined,
      answered: undefined,
      fail: undefined,
      terminatedBecause: undefined,
    };
    this.calls.set(callId, entry);
    const done = this.execute(call, entry);
    entry.done = done;
    return done;
  }

  private payloadFor(call: ScriptCall, callId: number): TaskPayload {
    const payload: TaskPayload = {
      callId,
      script: call.script,
      scriptGen: this.generations.of(call.script),
      pipeData: call.pipeData,
      block: keptValue(call.block),
      blockParent: keptValue(call.blockParent),
      keptReset: false,
      requestState: call.requestState,
      inputData: call.inputData,
      tag: call.tag,
      cwd: call.cwd,
      env: keptValue(call.env),
      aborted: call.signal?.aborted === true || call.abort?.aborted === true,
    };
    return payload;
  }

  private async execute(call: ScriptCall, entry: InFlight): Promise<ScriptOutcome> {
    const callId = entry.payload.callId;
    const timeoutMs = call.timeoutMs ?? this.defaultTimeoutMs;
    let timer: TimerHandle | undefined;
    if (timeoutMs !== undefined && Number.isFinite(timeoutMs)) {
      // The clock starts when a worker takes the call (time queued does not count). No piscina
      // AbortSignal: it costs ~8 µs per call inside piscina, and would terminate the worker even
      // when other calls on it are fine.
      entry.onDispatch = (threadId) => {
        timer?.cancel();
        timer = this.clock.setTimeout(() => this.timedOut(entry, threadId, call.script, timeoutMs), timeoutMs);
      };
    }
    const signal = call.signal;
    const onAbort = signal ? (): void => this.abortCall(callId, reasonText(signal.reason)) : undefined;
    if (signal && onAbort) signal.addEventListener('abort', onAbort, { once: true });
    const abort = call.abort;
    const unwatch = abort?.onAbort(() => this.abortCall(callId, reasonText(abort.reason)));
    try {
      let answer = await this.dispatch(entry);
      if (answer.keptMissing === true) {
        // A value this call took as kept never reached the worker (a batch before it, in the same
        // turn, failed to clone): the script did not start. Send everything again, once.
        entry.keptBy?.kept.clear();
        this.leave(entry);
        entry.payload = this.payloadFor(call, callId);
        answer = await this.dispatch(entry);
      }
      if (entry.threadId !== undefined && answer.logSeq !== undefined) this.links.noteLogsSent(entry.threadId, answer.logSeq);
      if (answer.ok) {
        const mean = this.durations.get(call.script);
        const ms = answer.outcome.durationMs;
        this.durations.set(call.script, mean === undefined ? ms : mean + (ms - mean) / 8);
        return answer.outcome;
      }
      throw failureToError(answer.failure);
    } catch (e) {
      if (e instanceof ProcblockError) throw e;
      if (e instanceof Error && e.name === 'DataCloneError') {
        // The payload never reached the worker: it does not keep the values it carried.
        forgetKept(entry);
        throw new InputError('PB_ERR_INVALID_ARGUMENT', `cannot pass the call's data to ${call.script}: ${e.message}`, { cause: e });
      }
      if (this.closing) {
        throw new RuntimeFailure('PB_ERR_CLOSED', `script ${call.script} was stopped: the script runner closed`, { cause: e });
      }
      const why = entry.terminatedBecause === undefined ? `exited or crashed: ${e instanceof Error ? e.message : String(e)}` : `was terminated: ${entry.terminatedBecause}`;
      throw new RuntimeFailure('PB_ERR_WORKER_EXIT', `the worker running ${call.script} ${why}`, { cause: e });
    } finally {
      timer?.cancel();
      if (signal && onAbort) signal.removeEventListener('abort', onAbort);
      unwatch?.();
      this.calls.delete(callId);
      entry.answered = undefined;
      entry.fail = undefined;
      this.release(this.leave(entry));
    }
  }

  /**
   * The call's answer, from its batch's result or its worker's channel. Sent with the other calls
   * made in this turn (`flush`); the call can also fail before the answer comes (`entry.fail`: its
   * timeout, its worker's exit).
   */
  private dispatch(entry: InFlight): Promise<WorkerAnswer> {
    const answer = new Promise<WorkerAnswer>((resolve, reject) => {
      entry.answered = resolve;
      entry.fail = reject;
    });
    this.pending.push(entry);
    if (!this.flushArmed) {
      this.flushArmed = true;
      setImmediate(() => this.flush());
    }
    return answer;
  }

  /**
   * End of the turn: send the calls made in it, each script's as one batch for one worker, or,
   * unless the script is known to be quick (QUICK_CALL_MS), spread over the idle workers; never
   * more than callsPerWorker calls in a batch.
   */
  private flush(): void {
    this.flushArmed = false;
    const made = this.pending;
    this.pending = [];
    const byScript = new Map<string, InFlight[]>();
    for (const entry of made) {
      const group = byScript.get(entry.payload.script);
      if (group) group.push(entry);
      else byScript.set(entry.payload.script, [entry]);
    }
    for (const [script, group] of byScript) {
      const quick = (this.durations.get(script) ?? Infinity) < QUICK_CALL_MS;
      const parts = quick ? 1 : Math.max(1, Math.min(group.length, this.idleWorkers()));
      const size = Math.min(this.callsPerWorker, Math.ceil(group.length / parts));
      for (let i = 0; i < group.length; i += size) this.send(group.slice(i, i + size));
    }
  }

  private send(batch: InFlight[]): void {
    // Filled by our load balancer once it has chosen the worker. Grown by push: an array with
    // holey elements (what optimized code makes of `map`'s result, say) is cloned as a sparse one,
    // key by key (measured: reading it back was ~a quarter of a worker's time under a no-op RPC load).
    const calls: CallWire[] = [];
    const queued: QueuedBatch = { batch, wire: calls };
    const task: BatchTask & { [k: symbol]: unknown } = {
      calls,
      // Seen by our load balancer (symbol keys are not cloned into the worker).
      [Piscina.queueOptionsSymbol]: queued,
    };
    (this.pool.run(task) as Promise<BatchResult>).then(
      (result) => {
        const answers = result.answers;
        // Without answers, each came on the channel (worker.ts runTask).
        if (answers) for (let i = 0; i < batch.length; i++) batch[i]!.answered?.(decodeAnswer(answers[i]!));
      },
      (e: unknown) => {
        if (batch.length > 1 && e instanceof Error && e.name === 'DataCloneError') {
          // One call's data cannot be cloned: nothing reached the worker. Send each call alone,
          // so that only that one fails.
          for (const entry of batch) {
            forgetKept(entry);
            this.leave(entry);
            entry.payload = this.payloadFor(entry.call, entry.payload.callId);
          }
          for (const entry of batch) this.send([entry]);
          return;
        }
        for (const entry of batch) entry.fail?.(e);
      },
    );
  }

  /** The call no longer counts on its worker (it is over, or is sent again); returns that worker. */
  private leave(entry: InFlight): number | undefined {
    const threadId = entry.threadId;
    entry.threadId = undefined;
    const occ = entry.occ;
    entry.occ = undefined;
    if (occ && occ.calls > 0) occ.calls--;
    return threadId;
  }

  /**
   * A call's timeout passed on worker `threadId`: fail it, abort its ctx.signal and retire the
   * worker (see the header: terminated now, after its other calls, or once it fails a ping).
   */
  private timedOut(entry: InFlight, threadId: number, script: string, timeoutMs: number): void {
    const callId = entry.payload.callId;
    const reason = `timeout of ${timeoutMs} ms passed`;
    this.abortCall(callId, reason);
    entry.fail?.(new RuntimeFailure('PB_ERR_SCRIPT_TIMEOUT', `script ${script} did not finish within ${timeoutMs} ms; its worker is terminated`));
    const occ = this.occupancy.get(threadId);
    if (!occ || occ.retired !== undefined) return;
    occ.retired = `script ${script} on the same worker did not finish within its timeout of ${timeoutMs} ms`;
    const others = this.calls.values().some((c) => c !== entry && c.threadId === threadId);
    if (!others) {
      this.terminate(threadId, occ.retired);
      return;
    }
    let answered = false;
    const grace = this.clock.setTimeout(() => {
      if (answered) return;
      const why = `${occ.retired} and kept the worker from answering for ${PING_GRACE_MS} ms`;
      this.logger.warn(`terminating script worker ${threadId}: ${why}`);
      this.terminate(threadId, why);
    }, PING_GRACE_MS);
    grace.unref();
    this.links.ping(threadId, () => {
      answered = true;
      grace.cancel();
      this.logger.debug(`script worker ${threadId} answered after ${script} timed out: its other calls finish, then it is terminated`);
    });
  }

  /** A call on `threadId` is over (it left `calls`): a retired worker is terminated after its last call. */
  private release(threadId: number | undefined): void {
    if (threadId === undefined) return;
    const occ = this.occupancy.get(threadId);
    if (occ?.retired === undefined) return;
    for (const c of this.calls.values()) if (c.threadId === threadId) return;
    this.terminate(threadId, occ.retired);
  }

  private terminate(threadId: number, why: string): void {
    const occ = this.occupancy.get(threadId);
    if (occ?.terminated !== undefined) return;
    if (occ) occ.terminated = why;
    for (const c of this.calls.values()) if (c.threadId === threadId) c.terminatedBecause ??= why;
    void this.pool.threads.find((w) => w.threadId === threadId)?.terminate();
  }

  /** Called as the call is handed to worker `threadId`: send block, blockParent and env only if it does not keep them. */
  private attachKept(entry: InFlight, threadId: number): void {
    const link = this.links.get(threadId);
    if (!link) return;
    const { payload } = entry;
    const { added, reset } = sendOnce([payload.block, payload.blockParent, payload.env], link.kept);
    payload.keptReset = reset;
    if (added.length > 0) {
      entry.keptKeys = added;
      entry.keptBy = link;
    }
  }

  reloadScripts(scripts?: readonly string[]): void {
    this.generations.reload(scripts);
  }

  /** Cooperative stop of one call: abort its ctx.signal inside the worker. */
  private abortCall(callId: number, reason: string): void {
    const entry = this.calls.get(callId);
    if (!entry) return;
    if (entry.threadId === undefined) {
      // Not dispatched yet: the worker sees the flag when the task arrives.
      entry.payload.aborted = true;
      return;
    }
    const msg: AbortMessage = { pb: 'abort', callId, reason };
    this.links.abort(entry.threadId, msg);
  }

  abortAll(reason?: unknown): void {
    const text = reasonText(reason);
    for (const callId of this.calls.ids()) this.abortCall(callId, text);
  }

  close(deadlineMs = 10_000): Promise<void> {
    this.closing ??= this.drainThenDestroy(deadlineMs);
    return this.closing;
  }

  private async drainThenDestroy(deadlineMs: number): Promise<void> {
    if (this.calls.size > 0) {
      let timer: TimerHandle | undefined;
      const deadline = new Promise<void>((resolve) => {
        timer = this.clock.setTimeout(resolve, deadlineMs).unref();
      });
      const settled = Promise.allSettled(this.calls.values().map((c) => c.done)).then(() => undefined);
      await Promise.race([settled, deadline]);
      timer?.cancel();
    }
    await this.links.awaitLogs(LOG_DRAIN_MS);
    await this.pool.destroy();
    this.links.detachAll();
  }
}

/** The values a call's payload told its worker to keep never reached it: forget them. */
function forgetKept(entry: InFlight): void {
  for (const key of entry.keptKeys) entry.keptBy?.kept.delete(key);
  entry.keptKeys = [];
  entry.keptBy = undefined;
}

/** Validate a numeric option: undefined, or a number ≥ min. */
function checkCount(name: string, value: number | undefined, min: number): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || Number.isNaN(value) || value < min) {
    throw new InputError('PB_ERR_INVALID_ARGUMENT', `script runner option ${name} must be a number ≥ ${min}, got ${JSON.stringify(value)} (${typeof value})`);
  }
  return value;
}

function reasonText(reason: unknown): string {
  if (reason === undefined) return 'aborted';
  return reason instanceof Error ? reason.message : String(reason);
}
