/**
 * The wire protocol between a worker-side client (client.ts) and the main-side host (host.ts).
 * Every message carries `pbu: 1`, so both sides ignore messages that are not theirs (the script
 * runner speaks over the same endpoint). One request, one response, each a single flat object:
 *
 *   client → host  { pbu: 1, id, m: method, a: args, s?: 1 }   s = the caller passed an AbortSignal
 *   client → host  { pbu: 1, id, x: 1 }                         abort request `id`
 *   host → client  { pbu: 1, id, r: result }                    success
 *   host → client  { pbu: 1, id, e: { c: code, msg } }          failure (a ProcblockError code)
 *   either way     { pbu: 1, bye: 1 }                           this side is going away
 *
 * A lock handle crosses as `r: [handleId, token]`; `lock.release` takes the handle id.
 */

export const PBU_TAG = 1;

/** Anything with postMessage and message events: a Node MessagePort, a BroadcastChannel, a worker's parentPort. */
export interface UnidistEndpoint {
  postMessage(message: unknown): void;
  /** 'message' events carry `data` (a MessageEvent); 'close' is optional (MessagePort has it). */
  addEventListener(type: 'message' | 'close', listener: (event: Event) => void): void;
  removeEventListener(type: 'message' | 'close', listener: (event: Event) => void): void;
}

/** The payload of a 'message' event. */
export function messageData(event: Event): unknown {
  return (event as Event & { data?: unknown }).data;
}

export type MethodName =
  | 'lock.acquire'
  | 'lock.release'
  | 'lock.isLocked'
  | 'lock.list'
  | 'counter.get'
  | 'counter.set'
  | 'counter.getSet'
  | 'counter.increment'
  | 'counter.getIncrement'
  | 'counter.all'
  | 'state.get'
  | 'state.set'
  | 'state.getSet'
  | 'state.has'
  | 'state.keys'
  | 'state.delete'
  | 'state.buckets'
  | 'queue.add'
  | 'queue.count'
  | 'queue.oldest'
  | 'queue.newest'
  | 'queue.all'
  | 'queue.wait'
  | 'queue.setMaxLength'
  | 'log.write'
  | 'flush';

export interface RequestMessage {
  readonly pbu: 1;
  readonly id: number;
  readonly m: MethodName;
  readonly a: readonly unknown[];
  readonly s?: 1;
}

export interface WireError {
  readonly c: string;
  readonly msg: string;
}

export interface ResponseMessage {
  readonly pbu: 1;
  readonly id: number;
  readonly r?: unknown;
  readonly e?: WireError;
}

/** True for any message of this protocol (cheap: one property read). */
export function isPbu(data: unknown): data is { pbu: 1; id?: number; m?: MethodName; x?: 1; bye?: 1 } {
  return typeof data === 'object' && data !== null && (data as { pbu?: unknown }).pbu === PBU_TAG;
}
