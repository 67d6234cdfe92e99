import { Deque } from './deque.js';
import type { UnidistOp } from './ops.js';

export interface QueueData {
  readonly messages: Deque<unknown>;
  maxLength: number | undefined;
}

/** Everything a memory unidist persists (locks themselves do not survive a restart). */
export interface UnidistData {
  readonly counters: Map<string, number>;
  readonly state: Map<string, Map<string, unknown>>;
  readonly queues: Map<string, QueueData>;
  /** Per lock name: the highest fencing token that may have been handed out. */
  readonly tokens: Map<string, number>;
}

export function emptyData(): UnidistData {
  return { counters: new Map(), state: new Map(), queues: new Map(), tokens: new Map() };
}

export function queueOf(data: UnidistData, name: string): QueueData {
  let q = data.queues.get(name);
  if (!q) {
    q = { messages: new Deque(), maxLength: undefined };
    data.queues.set(name, q);
  }
  return q;
}

function trim(q: QueueData): void {
  if (q.maxLength === undefined) return;
  while (q.messages.length > q.maxLength) q.messages.shift();
}

/** Apply one op. Shared by live calls and by journal replay. */
export function applyOp(data: UnidistData, op: UnidistOp): void {
  switch (op.o) {
    case 'c':
      data.counters.set(op.n, op.v);
      return;
    case 's': {
      let bucket = data.state.get(op.b);
      if (!bucket) {
        bucket = new Map();
        data.state.set(op.b, bucket);
      }
      bucket.set(op.k, op.v);
      return;
    }
    case 'sd': {
      const bucket = data.state.get(op.b);
      if (!bucket) return;
      bucket.delete(op.k);
      if (bucket.size === 0) data.state.delete(op.b);
      return;
    }
    case 'qa': {
      const q = queueOf(data, op.n);
      q.messages.push(op.m);
      trim(q);
      return;
    }
    case 'qo':
      data.queues.get(op.n)?.messages.shift();
      return;
    case 'qn':
      data.queues.get(op.n)?.messages.pop();
      return;
    case 'qm': {
      const q = queueOf(data, op.n);
      q.maxLength = op.v ?? undefined;
      trim(q);
      return;
    }
    case 't':
      data.tokens.set(op.n, Math.max(op.v, data.tokens.get(op.n) ?? 0));
      return;
  }
}
