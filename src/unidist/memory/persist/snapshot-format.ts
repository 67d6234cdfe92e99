import { RuntimeFailure } from '../../../core/errors.js';
import { emptyData, queueOf, type UnidistData } from '../data.js';

/**
 * Snapshot file (`snapshot.json`): the whole persistent state at one point, as JSON:
 *
 *   { "format": "procblock-unidist-snapshot", "version": 1, "generation": G,
 *     "counters": {name: n}, "state": {bucket: {key: value}},
 *     "queues": {name: {"maxLength": n|null, "messages": [...]}}, "tokens": {lockName: n} }
 *
 * `generation` names the journal that continues it (`journal-G.log`). It is written to a temp
 * file, fsynced, then renamed over the old one, so a reader sees the old or the new, never half.
 */
export const SNAPSHOT_FORMAT = 'procblock-unidist-snapshot';

interface SnapshotJson {
  format: string;
  version: number;
  generation: number;
  counters: Record<string, number>;
  state: Record<string, Record<string, unknown>>;
  queues: Record<string, { maxLength: number | null; messages: unknown[] }>;
  tokens: Record<string, number>;
}

export function encodeSnapshot(data: UnidistData, generation: number): string {
  const state: SnapshotJson['state'] = {};
  for (const [b, m] of data.state) state[b] = Object.fromEntries(m);
  const queues: SnapshotJson['queues'] = {};
  for (const [n, q] of data.queues) {
    if (q.messages.length > 0 || q.maxLength !== undefined) queues[n] = { maxLength: q.maxLength ?? null, messages: q.messages.toArray() };
  }
  const snap: SnapshotJson = {
    format: SNAPSHOT_FORMAT,
    version: 1,
    generation,
    counters: Object.fromEntries(data.counters),
    state,
    queues,
    tokens: Object.fromEntries(data.tokens),
  };
  return JSON.stringify(snap);
}

export function decodeSnapshot(text: string, file: string): { data: UnidistData; generation: number } {
  let snap: SnapshotJson;
  try {
    snap = JSON.parse(text) as SnapshotJson;
  } catch (e) {
    throw new RuntimeFailure('PB_ERR_UNIDIST', `unidist snapshot ${file} is not valid JSON: ${(e as Error).message}`, { cause: e });
  }
  if (snap?.format !== SNAPSHOT_FORMAT || snap.version !== 1 || !Number.isInteger(snap.generation)) {
    throw new RuntimeFailure('PB_ERR_UNIDIST', `${file} is not a version 1 procblock unidist snapshot`);
  }
  const data = emptyData();
  for (const [n, v] of Object.entries(snap.counters ?? {})) data.counters.set(n, v);
  for (const [b, keys] of Object.entries(snap.state ?? {})) data.state.set(b, new Map(Object.entries(keys)));
  for (const [n, q] of Object.entries(snap.queues ?? {})) {
    const qd = queueOf(data, n);
    qd.maxLength = q.maxLength ?? undefined;
    for (const m of q.messages) qd.messages.push(m);
  }
  for (const [n, v] of Object.entries(snap.tokens ?? {})) data.tokens.set(n, v);
  return { data, generation: snap.generation };
}
