/**
 * unidist: locks, counters, state, queues and log behind one small async interface (SPEC §5).
 * The same interface is used by engine tags, by scripts (`ctx.unidist`, proxied from worker
 * threads) and by library users (`createUnidist`). Back ends implement `Unidist`; one contract
 * test suite (test/unidist/contract.ts) runs against each.
 */

/**
 * A time span: milliseconds as a number, or a string with units (`'30s'`, `'500ms'`, `'2m'`,
 * `'1h30m'`; units ms, s, m, h, d, w). The YAML counts seconds, this API milliseconds; a string
 * with units means the same in both.
 */
export type Duration = number | string;

export interface LockAcquireOptions {
  /** How long to wait for the lock (ms or `'30s'`); 0 = try once; undefined = wait forever. */
  readonly timeout?: Duration | undefined;
  /** After how long a held lock frees itself, holder presumed dead (ms or `'30s'`). */
  readonly ttl?: Duration | undefined;
  /** Abort the wait. */
  readonly signal?: AbortSignal | undefined;
  /** Who holds it (shown in `list()`); the remote host sets its client id here. */
  readonly owner?: string | undefined;
}

export interface LockHandle {
  readonly name: string;
  /** Monotonically increasing per lock name across acquisitions (fencing token). */
  readonly token: number;
  /**
   * Release the lock. Returns false when this handle no longer holds it (TTL expired, already
   * released): the token is stale, and work done under it may have overlapped the next holder's.
   */
  release(): Promise<boolean>;
}

export interface LockInfo {
  readonly name: string;
  readonly token: number;
  /** Epoch ms when acquired. */
  readonly since: number;
  /** Epoch ms when it expires, if it has a TTL. */
  readonly expires?: number | undefined;
  /** Free-form owner description (thread id, pid). */
  readonly owner?: string | undefined;
}

export interface Locks {
  /** Acquire `name`; resolves to a handle, or `null` when `timeout` passed. Never busy-spins. */
  acquire(name: string, options?: LockAcquireOptions): Promise<LockHandle | null>;
  isLocked(name: string): Promise<boolean>;
  list(): Promise<LockInfo[]>;
}

/**
 * A lock's name and fencing token. A `LockHandle` is one; a worker's handle crosses to the main
 * thread as just these two fields.
 */
export interface Fence {
  readonly name: string;
  readonly token: number;
}

/**
 * Options of a write that may be fenced: with `fence`, the write happens only while that lock is
 * still held with that token (checked atomically with the write); otherwise it throws
 * PB_ERR_LOCK_STALE and nothing is written. This is how a holder whose TTL ran out while it was
 * stalled learns it, before it overwrites the next holder's work.
 */
export interface WriteOptions {
  readonly fence?: Fence | undefined;
}

export interface Counters {
  get(name: string): Promise<number>;
  set(name: string, value: number, options?: WriteOptions): Promise<void>;
  /** Set and return the previous value. */
  getSet(name: string, value: number, options?: WriteOptions): Promise<number>;
  /** Add `by` (default 1) and return the new value. */
  increment(name: string, by?: number): Promise<number>;
  /** Add `by` (default 1) and return the previous value. */
  getIncrement(name: string, by?: number): Promise<number>;
  all(): Promise<Record<string, number>>;
}

export interface StateBuckets {
  get<T = unknown>(bucket: string, key: string, defaultValue?: T): Promise<T | undefined>;
  set(bucket: string, key: string, value: unknown, options?: WriteOptions): Promise<void>;
  /** Set and return the previous value (undefined when absent). */
  getSet<T = unknown>(bucket: string, key: string, value: unknown, options?: WriteOptions): Promise<T | undefined>;
  has(bucket: string, key: string): Promise<boolean>;
  keys(bucket: string): Promise<string[]>;
  /** Returns true when the key existed. */
  delete(bucket: string, key: string, options?: WriteOptions): Promise<boolean>;
  buckets(): Promise<string[]>;
}

export interface QueueOptions {
  /** Keep at most this many messages; the oldest are dropped first. */
  readonly maxLength?: number | undefined;
}

export interface Queues {
  /** Append a message; returns the new length. */
  add(name: string, message: unknown, options?: QueueOptions): Promise<number>;
  count(name: string): Promise<number>;
  /** The oldest message (removed unless `remove: false`), or undefined when empty. */
  oldest<T = unknown>(name: string, options?: { remove?: boolean }): Promise<T | undefined>;
  /** The newest message (removed unless `remove: false`), or undefined when empty. */
  newest<T = unknown>(name: string, options?: { remove?: boolean }): Promise<T | undefined>;
  /** Every message, oldest first, without removing them. */
  all<T = unknown>(name: string): Promise<T[]>;
  /** Take the oldest message, waiting up to `timeout` (ms or `'30s'`; undefined = forever); undefined on timeout. */
  wait<T = unknown>(name: string, options?: { timeout?: Duration; signal?: AbortSignal }): Promise<T | undefined>;
  /** Configure a queue's maximum length (applies to later adds, trims now). */
  setMaxLength(name: string, maxLength: number | undefined): Promise<void>;
}

export type UnidistLogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface UnidistLog {
  write(level: UnidistLogLevel, msg: string, fields?: Record<string, unknown>): Promise<void>;
  debug(msg: string, fields?: Record<string, unknown>): Promise<void>;
  info(msg: string, fields?: Record<string, unknown>): Promise<void>;
  warn(msg: string, fields?: Record<string, unknown>): Promise<void>;
  error(msg: string, fields?: Record<string, unknown>): Promise<void>;
}

/** A change to a counter (its new value), a state key (set or deleted) or a queue (a message added). */
export type UnidistChange =
  | { readonly kind: 'counter'; readonly name: string; readonly value: number }
  | { readonly kind: 'state'; readonly bucket: string; readonly key: string; readonly value: unknown; readonly deleted: boolean }
  | { readonly kind: 'queue'; readonly name: string; readonly message: unknown; readonly length: number };

export type UnidistChangeListener = (change: UnidistChange) => void;

/**
 * The changes every process sharing a back end makes (counters set or incremented, state keys
 * set or deleted, queue messages added), in the order the back end applied them. The Redis back
 * end has one (live pages of every process see every process's changes); the memory back end,
 * owned by one process, has none (`observeUnidist` reports its changes).
 */
export interface UnidistChangeFeed {
  /**
   * Add a listener. Resolves once every change applied from then on reaches it (Redis: the
   * subscription is confirmed), with the function that removes it. Changes made while the back
   * end was unreachable are not delivered.
   */
  subscribe(listener: UnidistChangeListener): Promise<() => Promise<void>>;
}

export interface Unidist {
  readonly lock: Locks;
  readonly counter: Counters;
  readonly state: StateBuckets;
  readonly queue: Queues;
  readonly log: UnidistLog;
  /** Every process's changes, when the back end is shared (Redis); see `UnidistChangeFeed`. */
  readonly changes?: UnidistChangeFeed | undefined;
  /** Persist pending changes now (no-op for back ends without persistence). */
  flush(): Promise<void>;
  /** Flush and release resources. Idempotent: returns the same promise twice. */
  close(): Promise<void>;
}
