import { InputError, RuntimeFailure } from '../../core/errors.js';
import type { Duration, LockHandle, Unidist, UnidistLogLevel, WriteOptions } from '../types.js';
import { isPbu, messageData, type MethodName, type ResponseMessage, type UnidistEndpoint } from './protocol.js';
import { toWire } from './wire-error.js';

type Args = readonly unknown[];

/** Per-client bookkeeping: what to undo when the client goes away. */
interface ClientScope {
  readonly clientId: string;
  readonly handles: Map<number, LockHandle>;
  /**
   * The newest handle id per lock name. A new grant of a name means any older handle of this
   * client for it has lost the lock (TTL), so it is dropped: the map stays one entry per name.
   */
  readonly byName: Map<string, number>;
  /** Blocking requests (lock.acquire, queue.wait) in flight, by request id. */
  readonly waits: Map<number, AbortController>;
  nextHandle: number;
}

type Handler = (u: Unidist, a: Args, scope: ClientScope, signal: AbortSignal | undefined) => Promise<unknown>;

const str = (v: unknown): string => v as string;
const num = (v: unknown): number => v as number;
const write = (v: unknown): WriteOptions | undefined => v as WriteOptions | undefined;

// Argument shapes are checked by the back end itself; the host only routes.
const HANDLERS: Record<MethodName, Handler> = {
  'lock.acquire': async (u, a, scope, signal) => {
    const opts = (a[1] ?? {}) as { timeout?: Duration; ttl?: Duration };
    const handle = await u.lock.acquire(str(a[0]), { timeout: opts.timeout, ttl: opts.ttl, signal, owner: scope.clientId });
    if (!handle) return null;
    const hid = ++scope.nextHandle;
    const stale = scope.byName.get(handle.name);
    if (stale !== undefined) scope.handles.delete(stale);
    scope.handles.set(hid, handle);
    scope.byName.set(handle.name, hid);
    return [hid, handle.token];
  },
  'lock.release': async (_u, a, scope) => {
    const hid = num(a[0]);
    const handle = scope.handles.get(hid);
    if (!handle) return false;
    scope.handles.delete(hid);
    if (scope.byName.get(handle.name) === hid) scope.byName.delete(handle.name);
    return handle.release();
  },
  'lock.isLocked': (u, a) => u.lock.isLocked(str(a[0])),
  'lock.list': (u) => u.lock.list(),
  'counter.get': (u, a) => u.counter.get(str(a[0])),
  'counter.set': (u, a) => u.counter.set(str(a[0]), num(a[1]), write(a[2])),
  'counter.getSet': (u, a) => u.counter.getSet(str(a[0]), num(a[1]), write(a[2])),
  'counter.increment': (u, a) => u.counter.increment(str(a[0]), a[1] as number | undefined),
  'counter.getIncrement': (u, a) => u.counter.getIncrement(str(a[0]), a[1] as number | undefined),
  'counter.all': (u) => u.counter.all(),
  'state.get': (u, a) => u.state.get(str(a[0]), str(a[1]), a[2]),
  'state.set': (u, a) => u.state.set(str(a[0]), str(a[1]), a[2], write(a[3])),
  'state.getSet': (u, a) => u.state.getSet(str(a[0]), str(a[1]), a[2], write(a[3])),
  'state.has': (u, a) => u.state.has(str(a[0]), str(a[1])),
  'state.keys': (u, a) => u.state.keys(str(a[0])),
  'state.delete': (u, a) => u.state.delete(str(a[0]), str(a[1]), write(a[2])),
  'state.buckets': (u) => u.state.buckets(),
  'queue.add': (u, a) => u.queue.add(str(a[0]), a[1], a[2] as { maxLength?: number } | undefined),
  'queue.count': (u, a) => u.queue.count(str(a[0])),
  'queue.oldest': (u, a) => u.queue.oldest(str(a[0]), a[1] as { remove?: boolean } | undefined),
  'queue.newest': (u, a) => u.queue.newest(str(a[0]), a[1] as { remove?: boolean } | undefined),
  'queue.all': (u, a) => u.queue.all(str(a[0])),
  'queue.wait': (u, a, _scope, signal) => {
    const opts = (a[1] ?? {}) as { timeout?: Duration };
    return u.queue.wait(str(a[0]), opts.timeout === undefined ? { signal } : { timeout: opts.timeout, signal });
  },
  'queue.setMaxLength': (u, a) => u.queue.setMaxLength(str(a[0]), a[1] as number | undefined),
  'log.write': (u, a) => u.log.write(a[0] as UnidistLogLevel, str(a[1]), a[2] as Record<string, unknown> | undefined),
  flush: (u) => u.flush(),
};

const BLOCKING: ReadonlySet<MethodName> = new Set(['lock.acquire', 'queue.wait']);

/**
 * Serve `unidist` to one client (a worker) over `endpoint`. Returns `detach`: call it when the
 * client is gone (worker exit) — every lock the client still holds is released, its pending
 * waits are cancelled, and the endpoint is no longer listened to. A client that says `bye`
 * (its close()) gets the same clean-up while the host keeps listening.
 *
 * Messages without the `pbu` tag are ignored, so the endpoint can carry other traffic.
 */
export function serveUnidist(unidist: Unidist, endpoint: UnidistEndpoint, clientId: string): () => void {
  const scope: ClientScope = { clientId, handles: new Map(), byName: new Map(), waits: new Map(), nextHandle: 0 };
  let detached = false;

  const reply = (msg: ResponseMessage): void => {
    if (detached) return;
    try {
      endpoint.postMessage(msg);
    } catch (e) {
      // A result that cannot be cloned still answers the caller, as an error.
      endpoint.postMessage({ pbu: 1, id: msg.id, e: toWire(new RuntimeFailure('PB_ERR_UNIDIST', `cannot send the result: ${(e as Error).message}`)) });
    }
  };

  const onMessage = (event: Event): void => {
    const d = messageData(event);
    if (!isPbu(d)) return;
    if (d.bye === 1) {
      cleanUp(scope, 'the client said goodbye');
      return;
    }
    const id = d.id;
    if (typeof id !== 'number') return;
    if (d.m === undefined) {
      if (d.x === 1) scope.waits.get(id)?.abort(new RuntimeFailure('PB_ERR_ABORTED', 'aborted by the client'));
      return;
    }
    const handler = Object.hasOwn(HANDLERS, d.m) ? HANDLERS[d.m] : undefined;
    if (!handler) {
      reply({ pbu: 1, id, e: toWire(new InputError('PB_ERR_INVALID_ARGUMENT', `unknown unidist method ${JSON.stringify(d.m)}`)) });
      return;
    }
    const args = (d as { a?: unknown }).a;
    let controller: AbortController | undefined;
    if (BLOCKING.has(d.m)) {
      controller = new AbortController();
      scope.waits.set(id, controller);
    }
    let p: Promise<unknown>;
    try {
      p = handler(unidist, Array.isArray(args) ? args : [], scope, controller?.signal);
    } catch (e) {
      p = Promise.reject(e);
    }
    p.then(
      (r) => {
        if (controller) scope.waits.delete(id);
        if (detached && d.m === 'lock.acquire' && Array.isArray(r)) {
          // Granted in the instant the client vanished: give it straight back.
          void scope.handles.get(r[0] as number)?.release();
          scope.handles.delete(r[0] as number);
        }
        reply({ pbu: 1, id, r });
      },
      (e: unknown) => {
        if (controller) scope.waits.delete(id);
        reply({ pbu: 1, id, e: toWire(e) });
      },
    );
  };

  const onClose = (): void => detach();

  const detach = (): void => {
    if (detached) return;
    cleanUp(scope, 'the client detached');
    try {
      endpoint.postMessage({ pbu: 1, bye: 1 });
    } catch {
      // the endpoint is already gone
    }
    detached = true;
    endpoint.removeEventListener('message', onMessage);
    endpoint.removeEventListener('close', onClose);
  };

  endpoint.addEventListener('message', onMessage);
  endpoint.addEventListener('close', onClose);
  return detach;
}

function cleanUp(scope: ClientScope, why: string): void {
  const reason = new RuntimeFailure('PB_ERR_UNIDIST', `unidist wait cancelled: ${why}`);
  for (const c of scope.waits.values()) c.abort(reason);
  scope.waits.clear();
  for (const h of scope.handles.values()) void h.release().catch(() => false);
  scope.handles.clear();
  scope.byName.clear();
}
