/**
 * The `runList` a RunThread spec carries (SPEC §9: an alert's procedure is an ordinary run
 * list). It runs with the engine's services on a copy of the pipe data the thread's ticks start
 * from, with the caller's pipe data over it (`alert: {...}` and the tick's result), the
 * caller's extra environment over the engine's, and both the runtime's and the caller's signal.
 */
import type { RunListRunner } from '../../schedule/types.js';
import { runSignal, type EngineContext } from '../context.js';
import { executeRunList } from '../run-list.js';

export function procedureRunner(ctx: EngineContext, item: Readonly<Record<string, unknown>>, snapshot: Readonly<Record<string, unknown>>): RunListRunner {
  return async (call) => {
    const pipeData = { ...structuredClone(snapshot), ...structuredClone(call.pipeData) } as Record<string, unknown>;
    const own = runSignal(ctx);
    const signal = own ? AbortSignal.any([own, call.signal]) : call.signal;
    const services = call.env ? { ...ctx.services, env: { ...ctx.services.env, ...call.env } } : ctx.services;
    // `abort: undefined`: this signal (the run's and the caller's) is the one to check.
    await executeRunList({ ctx: { ...ctx, services, signal, abort: undefined, pipeData }, items: call.items, path: call.path, pipeData, tag: 'alert', blockParent: item });
  };
}
