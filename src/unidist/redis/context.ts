import type { Clock } from '../../core/clock.js';
import type { RedisConnection } from './connection.js';
import type { RedisKeys } from './keys.js';
import type { LuaScript, ScriptName } from './lua-script.js';

/** What each member (locks, counters, state, queues) of a Redis unidist shares. */
export interface RedisContext {
  /** The main connection (commands and scripts; never blocked). */
  readonly conn: RedisConnection;
  readonly keys: RedisKeys;
  readonly scripts: Readonly<Record<ScriptName, LuaScript>>;
  readonly clock: Clock;
  /**
   * The `now` argument of the scripts: '' = Redis's own clock (TIME), so every process measures
   * lock TTLs on one clock; else the injected clock's whole milliseconds (lockClock: 'local').
   */
  lockNow(): string;
  /** True when lock TTLs are measured on the local clock (Redis does not expire the keys). */
  readonly localLockClock: boolean;
  /** `<pid>@<host>`: who holds a lock, as list() shows it in every process. */
  readonly processId: string;
  /** Throws PB_ERR_CLOSED after close() began. */
  assertOpen(): void;
}
