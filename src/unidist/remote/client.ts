import { InputError, RuntimeFailure } from '../../core/errors.js';
import type {
  Duration,
  Counters,
  LockAcquireOptions,
  LockHandle,
  LockInfo,
  Locks,
  QueueOptions,
  Queues,
  StateBuckets,
  Unidist,
  UnidistLog,
  UnidistLogLevel,
  WriteOptions,
} from '../types.js';
import { plainWriteOptions } from '../fence.js';
import { isPbu, messageData, type MethodName, type ResponseMessage, type UnidistEndpoint } from './protocol.js';
import { fromWire } from './wire-error.js';
import { LeveledLog } from '../leveled-log.js';

interface Pending {
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/**
 * The transport: one postMessage per request, one per response, a Map of pending promises.
 * After the endpoint closes or the host says bye, every pending and later request rejects
 * with PB_ERR_UNIDIST; after close() they reject with PB_ERR_CLOSED.
 */
class Channel {
  private nextId = 0;
  private readonly pending = new Map<number, Pending>();
  private dead: RuntimeFailure | undefined;

  constructor(private readonly endpoint: UnidistEndpoint) {
    endpoint.addEventListener('message', this.onMessage);
    endpoint.addEventListener('close', this.onClose);
  }

  call(m: MethodName, a: unknown[]): Promise<unknown> {
    if (this.dead) return Promise.reject(this.dead);
    return new Promise((resolve, reject) => {
      const id = ++this.nextId;
      this.pending.set(id, { resolve, reject });
      this.post(id, { pbu: 1, id, m, a });
    });
  }

  /** A request that can be aborted: the abort is forwarded to the host, which rejects it. */
  callAbortable(m: MethodName, a: unknown[], signal: AbortSignal | undefined): Promise<unknown> {
    if (!signal) return this.call(m, a);
    if (this.dead) return Promise.reject(this.dead);
    if (signal.aborted) return Promise.reject(new RuntimeFailure('PB_ERR_ABORTED', 'the wait was aborted', { cause: signal.reason }));
    return new Promise((resolve, reject) => {
      const id = ++this.nextId;
      const onAbort = (): void => {
        if (this.pending.has(id)) this.endpoint.postMessage({ pbu: 1, id, x: 1 });
      };
      const done = (): void => signal.removeEventListener('abort', onAbort);
      this.pending.set(id, {
        resolve: (v) => {
          done();
          resolve(v);
        },
        reject: (e) => {
          done();
          reject(e);
        },
      });
      signal.addEventListener('abort', onAbort, { once: true });
      this.post(id, { pbu: 1, id, m, a, s: 1 });
    });
  }

  /** Stop listening; reject everything in flight. */
  shutdown(error: RuntimeFailure, sayBye: boolean): void {
    if (this.dead) return;
    this.dead = error;
    this.endpoint.removeEventListener('message', this.onMessage);
    this.endpoint.removeEventListener('close', this.onClose);
    if (sayBye) {
      try {
        this.endpoint.postMessage({ pbu: 1, bye: 1 });
      } catch {
        // the endpoint is already gone
      }
    }
    const all = [...this.pending.values()];
    this.pending.clear();
    for (const p of all) p.reject(error);
  }

  private post(id: number, msg: object): void {
    try {
      this.endpoint.postMessage(msg);
    } catch (e) {
      const p = this.pending.get(id);
      this.pending.delete(id);
      p?.reject(new InputError('PB_ERR_INVALID_ARGUMENT', `unidist arguments cannot be sent to the main thread: ${(e as Error).message}`, { cause: e }));
    }
  }

  private readonly onMessage = (event: Event): void => {
    const d = messageData(event);
    if (!isPbu(d)) return;
    if (d.bye === 1) {
      this.shutdown(new RuntimeFailure('PB_ERR_UNIDIST', 'the unidist host went away'), false);
      return;
    }
    if (d.m !== undefined || typeof d.id !== 'number') return; // a request: not for the client side
    const p = this.pending.get(d.id);
    if (!p) return;
    this.pending.delete(d.id);
    const res = d as ResponseMessage;
    if (res.e) p.reject(fromWire(res.e));
    else p.resolve(res.r);
  };

  private readonly onClose = (): void => {
    this.shutdown(new RuntimeFailure('PB_ERR_UNIDIST', 'the unidist endpoint closed'), false);
  };
}

class RemoteLockHandle implements LockHandle {
  constructor(
    readonly name: string,
    readonly token: number,
    private readonly hid: number,
    private readonly ch: Channel,
  ) {}

  release(): Promise<boolean> {
    return this.ch.call('lock.release', [this.hid]) as Promise<boolean>;
  }
}

class RemoteLocks implements Locks {
  constructor(private readonly ch: Channel) {}

  async acquire(name: string, options?: LockAcquireOptions): Promise<LockHandle | null> {
    // Only the durations cross (checked by the back end behind the host); the host sets the owner to the client id.
    const opts = options ? { timeout: options.timeout, ttl: options.ttl } : undefined;
    const r = (await this.ch.callAbortable('lock.acquire', [name, opts], options?.signal)) as [number, number] | null;
    return r ? new RemoteLockHandle(name, r[1], r[0], this.ch) : null;
  }

  isLocked(name: string): Promise<boolean> {
    return this.ch.call('lock.isLocked', [name]) as Promise<boolean>;
  }

  list(): Promise<LockInfo[]> {
    return this.ch.call('lock.list', []) as Promise<LockInfo[]>;
  }
}

class RemoteCounters implements Counters {
  constructor(private readonly ch: Channel) {}
  get(name: string): Promise<number> {
    return this.ch.call('counter.get', [name]) as Promise<number>;
  }
  set(name: string, value: number, options?: WriteOptions): Promise<void> {
    return this.ch.call('counter.set', [name, value, plainWriteOptions(options)]) as Promise<void>;
  }
  getSet(name: string, value: number, options?: WriteOptions): Promise<number> {
    return this.ch.call('counter.getSet', [name, value, plainWriteOptions(options)]) as Promise<number>;
  }
  increment(name: string, by?: number): Promise<number> {
    return this.ch.call('counter.increment', [name, by]) as Promise<number>;
  }
  getIncrement(name: string, by?: number): Promise<number> {
    return this.ch.call('counter.getIncrement', [name, by]) as Promise<number>;
  }
  all(): Promise<Record<string, number>> {
    return this.ch.call('counter.all', []) as Promise<Record<string, number>>;
  }
}

class RemoteState implements StateBuckets {
  constructor(private readonly ch: Channel) {}
  get<T = unknown>(bucket: string, key: string, defaultValue?: T): Promise<T | undefined> {
    return this.ch.call('state.get', [bucket, key, defaultValue]) as Promise<T | undefined>;
  }
  set(bucket: string, key: string, value: unknown, options?: WriteOptions): Promise<void> {
    return this.ch.call('state.set', [bucket, key, value, plainWriteOptions(options)]) as Promise<void>;
  }
  getSet<T = unknown>(bucket: string, key: string, value: unknown, options?: WriteOptions): Promise<T | undefined> {
    return this.ch.call('state.getSet', [bucket, key, value, plainWriteOptions(options)]) as Promise<T | undefined>;
  }
  has(bucket: string, key: string): Promise<boolean> {
    return this.ch.call('state.has', [bucket, key]) as Promise<boolean>;
  }
  keys(bucket: string): Promise<string[]> {
    return this.ch.call('state.keys', [bucket]) as Promise<string[]>;
  }
  delete(bucket: string, key: string, options?: WriteOptions): Promise<boolean> {
    return this.ch.call('state.delete', [bucket, key, plainWriteOptions(options)]) as Promise<boolean>;
  }
  buckets(): Promise<string[]> {
    return this.ch.call('state.buckets', []) as Promise<string[]>;
  }
}

class RemoteQueues implements Queues {
  constructor(private readonly ch: Channel) {}
  add(name: string, message: unknown, options?: QueueOptions): Promise<number> {
    return this.ch.call('queue.add', [name, message, options]) as Promise<number>;
  }
  count(name: string): Promise<number> {
    return this.ch.call('queue.count', [name]) as Promise<number>;
  }
  oldest<T = unknown>(name: string, options?: { remove?: boolean }): Promise<T | undefined> {
    return this.ch.call('queue.oldest', [name, options]) as Promise<T | undefined>;
  }
  newest<T = unknown>(name: string, options?: { remove?: boolean }): Promise<T | undefined> {
    return this.ch.call('queue.newest', [name, options]) as Promise<T | undefined>;
  }
  all<T = unknown>(name: string): Promise<T[]> {
    return this.ch.call('queue.all', [name]) as Promise<T[]>;
  }
  wait<T = unknown>(name: string, options?: { timeout?: Duration; signal?: AbortSignal }): Promise<T | undefined> {
    const opts = options?.timeout === undefined ? undefined : { timeout: options.timeout };
    return this.ch.callAbortable('queue.wait', [name, opts], options?.signal) as Promise<T | undefined>;
  }
  setMaxLength(name: string, maxLength: number | undefined): Promise<void> {
    return this.ch.call('queue.setMaxLength', [name, maxLength]) as Promise<void>;
  }
}

class RemoteLog extends LeveledLog {
  constructor(private readonly ch: Channel) {
    super();
  }
  write(level: UnidistLogLevel, msg: string, fields?: Record<string, unknown>): Promise<void> {
    return this.ch.call('log.write', [level, msg, fields]) as Promise<void>;
  }
}

class RemoteUnidist implements Unidist {
  readonly lock: Locks;
  readonly counter: Counters;
  readonly state: StateBuckets;
  readonly queue: Queues;
  readonly log: UnidistLog;
  private closed: Promise<void> | undefined;

  constructor(private readonly ch: Channel) {
    this.lock = new RemoteLocks(ch);
    this.counter = new RemoteCounters(ch);
    this.state = new RemoteState(ch);
    this.queue = new RemoteQueues(ch);
    this.log = new RemoteLog(ch);
  }

  async flush(): Promise<void> {
    await this.ch.call('flush', []);
  }

  /** Disconnect this client (the host releases its locks and cancels its waits); the host's unidist stays open. */
  close(): Promise<void> {
    this.closed ??= Promise.resolve().then(() => this.ch.shutdown(new RuntimeFailure('PB_ERR_CLOSED', 'this unidist client is closed'), true));
    return this.closed;
  }
}

/**
 * The worker side: a `Unidist` whose every call is one round trip to a `serveUnidist` host
 * over `endpoint` (e.g. a worker's `parentPort`, or a MessagePort handed over in workerData).
 * Messages that are not unidist's are ignored. Values cross by structured clone.
 */
export function connectUnidist(endpoint: UnidistEndpoint): Unidist {
  return new RemoteUnidist(new Channel(endpoint));
}
