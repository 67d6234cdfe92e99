/**
 * The pipe data a RunThread's ticks see (issue 13 point 8: a tick used to carry a copy of every
 * other thread's `run_thread.*` status, so its cost grew with the block).
 *
 * A tick's pipeData is the pipe data as the item saw it when its thread started, without
 *   - the `run_thread.<id>` statuses (snapshots of other threads, stale at once), and
 *   - the values the first results of other RunThreads merged into this pipe data (still holding
 *     the value the thread put there; a key written again since, by a `set` or a script, is kept).
 * It is fixed for the life of the thread (every tick sees the same data) and deep-frozen, so it
 * is handed to the script runner as is, without a copy per tick.
 */
import { deepFreeze } from '../in-memory-block.js';
import type { PipeData } from '../types.js';

/** Per pipe-data object: key → the value a RunThread's first result put there. */
const fromThreads = new WeakMap<PipeData, Map<string, unknown>>();

/** Remember which keys a RunThread's first result set on `pipeData` (after merging it). */
export function noteThreadResult(pipeData: PipeData, keys: Iterable<string>): void {
  let map = fromThreads.get(pipeData);
  if (!map) {
    map = new Map();
    fromThreads.set(pipeData, map);
  }
  for (const k of keys) if (Object.hasOwn(pipeData, k)) map.set(k, pipeData[k]);
}

export function tickPipeData(pipeData: PipeData): Readonly<PipeData> {
  const threads = fromThreads.get(pipeData);
  const out: PipeData = {};
  for (const [k, v] of Object.entries(pipeData)) {
    if (k.startsWith('run_thread.')) continue;
    if (threads?.has(k) && Object.is(threads.get(k), v)) continue;
    out[k] = v;
  }
  return deepFreeze(structuredClone(out));
}
