/**
 * The block a runtime runs until it stops (the CLI's block), and its hot reload (SPEC §8).
 *
 * `start()` processes the block once. `swap()` processes a new, already validated version of it
 * in the same runtime, with the same input data, disturbing as little as possible:
 *
 * - scripts whose code changed are loaded afresh by the workers on their next call (and only
 *   those: every other script stays loaded);
 * - RunThreads are kept, restarted or started as the plan says (reload-thread-host.ts); running
 *   threads the new block no longer starts stop after their tick in flight;
 * - the rest of the block is processed again, as a fresh start would process it: one-shot items
 *   run again, and the lists of `run simultaneous` — which belong to one processing — end
 *   (their ctx.signal aborts; they get the stop deadline) before the new processing starts its own.
 *
 * A swap that fails while processing (a script throws, a new thread's first tick fails) leaves
 * what it had done so far in place and stops nothing more; the error is in the report. Unidist,
 * time-series files and the `__running` lock belong to the runtime and are untouched. Swaps run
 * one at a time, after `start()`.
 */
import { settledWithin, type Clock } from '../core/clock.js';
import { RuntimeFailure } from '../core/errors.js';
import type { LoadedBlock } from '../config/types.js';
import type { ProcessResult } from '../engine/types.js';
import type { RunThreadHost, RunThreadStatus } from '../schedule/types.js';
import { ReloadThreadHost, type SwapPlan, type SwappableThreads, type ThreadSwapRecord } from './reload-thread-host.js';

export type { SwapPlan, ThreadDecision, ThreadFacts } from './reload-thread-host.js';

/** How one processing of the live block differs from a plain `Runtime.run`. */
export interface LiveProcessing {
  /** The generation's signal: aborted when a swap replaces it, or by the runtime's stop. */
  readonly signal: AbortSignal;
  /** A swap (not the first processing): the web server, already listening, switches sites. */
  readonly replacing: boolean;
  readonly runThreads: RunThreadHost | undefined;
  readonly background: (work: Promise<unknown>, label: string) => void;
}

export interface LiveBlockDeps {
  /** Process `block` with the runtime's services and the live block's input data. */
  process(block: LoadedBlock, how: LiveProcessing): Promise<ProcessResult>;
  readonly threads: SwappableThreads;
  /** Make workers load these scripts afresh on their next call (ScriptRunner.reloadScripts). */
  reloadScripts(scripts: readonly string[]): void;
  /** Have the runtime's stop abort `controller` too, until `unlink()`. */
  adoptAbort(controller: AbortController): { unlink(): void };
  /** Keep `work` in the runtime's in-flight set (stop() waits for it). */
  track(work: Promise<unknown>): void;
  readonly clock: Clock;
  /** How long a restarted thread's tick, or an ending list, may run on before it is aborted/left. */
  readonly deadlineMs: number;
}

/** What one swap did. */
export interface SwapReport {
  readonly kept: readonly string[];
  readonly restarted: ThreadSwapRecord['restarted'];
  readonly started: readonly string[];
  readonly stopped: readonly string[];
  /** Running threads left as they were: their new definition cannot be applied live. */
  readonly refused: ThreadSwapRecord['refused'];
  /** Threads whose (re)start failed. */
  readonly failed: ThreadSwapRecord['failed'];
  /** `run simultaneous` lists of the previous version that were ended. */
  readonly listsEnded: number;
  /** Set when processing the new version failed; what was done before the failure stays. */
  readonly error?: unknown;
  /** The new processing's result, when it succeeded. */
  readonly result?: ProcessResult | undefined;
}

interface Generation {
  readonly controller: AbortController;
  readonly work: Set<Promise<unknown>>;
  /** Its tie to the runtime's stop, undone when the generation ends. */
  readonly link: { unlink(): void };
}

export class LiveBlock {
  private current: LoadedBlock;
  private generation: Generation;
  private started: Promise<ProcessResult> | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    block: LoadedBlock,
    private readonly deps: LiveBlockDeps,
  ) {
    this.current = block;
    this.generation = this.newGeneration();
  }

  /** The version running now. */
  get block(): LoadedBlock {
    return this.current;
  }

  /** What its RunThreads are doing now. */
  statuses(): RunThreadStatus[] {
    return this.deps.threads.statuses();
  }

  /** Process the block for the first time. Idempotent. */
  start(): Promise<ProcessResult> {
    this.started ??= this.deps.process(this.current, this.processing(this.generation, this.deps.threads, false));
    return this.started;
  }

  /** Swap in `block` (validated by the caller) as `plan` says. Swaps are serialised. */
  swap(block: LoadedBlock, plan: SwapPlan): Promise<SwapReport> {
    const run = this.queue.then(async () => {
      await this.start().catch(() => undefined);
      return this.doSwap(block, plan);
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async doSwap(block: LoadedBlock, plan: SwapPlan): Promise<SwapReport> {
    const { deps } = this;
    if (plan.changedScripts.length > 0) deps.reloadScripts(plan.changedScripts);
    const listsEnded = await this.endGeneration();
    const generation = this.newGeneration();
    this.generation = generation;
    const host = new ReloadThreadHost(deps.threads, plan, deps.deadlineMs);
    let result: ProcessResult | undefined;
    let error: unknown;
    try {
      result = await deps.process(block, this.processing(generation, host, true));
      this.current = block;
    } catch (e) {
      error = e;
    }
    const stopped: string[] = [];
    // Only a complete processing says which threads the new version no longer starts.
    if (error === undefined) {
      const gone = deps.threads.ids().filter((id) => !host.reached.has(id));
      await Promise.all(gone.map((id) => deps.threads.retire(id, deps.deadlineMs, { keepCollector: false })));
      stopped.push(...gone);
    }
    const { kept, restarted, started, refused, failed } = host.record;
    return { kept, restarted, started, stopped, refused, failed, listsEnded, ...(error === undefined ? { result } : { error }) };
  }

  /** End the `run simultaneous` lists of the running version (abort, then wait up to the deadline). */
  private async endGeneration(): Promise<number> {
    const { controller, work, link } = this.generation;
    const n = work.size;
    if (n > 0) {
      controller.abort(new RuntimeFailure('PB_ERR_ABORTED', 'hot reload: this version of the block is being replaced'));
      await settledWithin(Promise.allSettled([...work]), this.deps.deadlineMs, this.deps.clock);
    }
    link.unlink();
    return n;
  }

  private newGeneration(): Generation {
    const controller = new AbortController();
    return { controller, work: new Set(), link: this.deps.adoptAbort(controller) };
  }

  private processing(generation: Generation, runThreads: RunThreadHost, replacing: boolean): LiveProcessing {
    return {
      signal: generation.controller.signal,
      replacing,
      runThreads,
      background: (work) => {
        const settled = work.catch(() => undefined);
        generation.work.add(settled);
        void settled.then(() => generation.work.delete(settled));
        this.deps.track(work);
      },
    };
  }
}
