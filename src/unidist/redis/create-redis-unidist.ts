/**
 * Open the Redis back end: resolve the options once, connect (failing fast, exit 2, when the URL
 * is wrong or Redis refuses us), subscribe to lock releases, and load nothing else eagerly
 * (blocking connections open when a queue wait first needs one).
 */
import { hostname } from 'node:os';
import { systemClock, type Clock } from '../../core/clock.js';
import { InputError } from '../../core/errors.js';
import { silentLogger, type Logger } from '../../core/logger.js';
import { checkMs, describe } from '../memory/validate.js';
import { BlockingPool } from './blocking-pool.js';
import { RedisConnection, type ConnectionSettings } from './connection.js';
import { RedisKeys } from './keys.js';
import { luaScripts } from './lua-script.js';
import { RedisUnidist } from './redis-unidist.js';
import { parseRedisUrl } from './url.js';

export interface RedisUnidistOptions {
  /** `redis://host:port/db`, `rediss://…` (TLS) or `unix:///path.sock` (see url.ts). */
  readonly url: string;
  /** Every key starts with `<prefix>:` (default 'procblock'). Processes share what shares a prefix. */
  readonly prefix?: string | undefined;
  /** Timers (call deadlines, wait timeouts) run on this clock. */
  readonly clock?: Clock | undefined;
  /** Connection warnings and `unidist.log` lines go here. */
  readonly logger?: Logger | undefined;
  /** Longest a call waits for Redis before PB_ERR_UNIDIST_UNAVAILABLE, ms (default: the URL's `timeout`, else 5000). */
  readonly callTimeout?: number | undefined;
  /** Longest opening a connection may take, ms (default 5000). */
  readonly connectTimeout?: number | undefined;
  /**
   * Which clock lock TTLs run on. 'redis' (default): Redis's own (keys expire in Redis, every
   * process agrees however far apart their clocks are). 'local': `clock` (tests drive TTLs with a
   * fake clock; only sound when every process shares one host clock).
   */
  readonly lockClock?: 'redis' | 'local' | undefined;
}

const DEFAULTS = Object.freeze({ prefix: 'procblock', callTimeoutMs: 5000, connectTimeoutMs: 5000 });

export async function createRedisUnidist(options: RedisUnidistOptions): Promise<RedisUnidist> {
  if (typeof options !== 'object' || options === null) {
    throw new InputError('PB_ERR_INVALID_ARGUMENT', `Redis unidist options must be an object with a url, got ${describe(options)}`);
  }
  const target = parseRedisUrl(options.url);
  const keys = new RedisKeys(options.prefix ?? DEFAULTS.prefix);
  const lockClock = options.lockClock ?? 'redis';
  if (lockClock !== 'redis' && lockClock !== 'local') {
    throw new InputError('PB_ERR_INVALID_ARGUMENT', `unidist option lockClock must be 'redis' or 'local', got ${describe(lockClock)}`);
  }
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  const settings: ConnectionSettings = Object.freeze({
    target,
    clock,
    logger,
    callTimeoutMs: positive('callTimeout', options.callTimeout) ?? target.timeoutMs ?? DEFAULTS.callTimeoutMs,
    connectTimeoutMs: positive('connectTimeout', options.connectTimeout) ?? DEFAULTS.connectTimeoutMs,
  });
  const scripts = luaScripts();
  const conn = await RedisConnection.open(settings, 'main');
  let subscriber: RedisConnection | undefined;
  try {
    subscriber = await RedisConnection.open(settings, 'subscriber');
    const local = lockClock === 'local';
    const unidist = new RedisUnidist({
      ctx: {
        conn,
        keys,
        scripts,
        clock,
        lockNow: local ? () => String(Math.floor(clock.now())) : () => '',
        localLockClock: local,
        processId: `${process.pid}@${hostname()}`,
      },
      subscriber,
      pool: new BlockingPool(settings, conn),
      logger,
    });
    await subscriber.client.subscribe(keys.unlocked, (name: string) => unidist.onUnlocked(name));
    logger.debug(`unidist on Redis at ${target.display}, key prefix ${JSON.stringify(keys.prefix)}`);
    return unidist;
  } catch (e) {
    await subscriber?.close();
    await conn.close();
    throw e;
  }
}

function positive(name: string, value: unknown): number | undefined {
  const ms = checkMs(`unidist option ${name}`, value);
  if (ms === 0) throw new InputError('PB_ERR_INVALID_ARGUMENT', `unidist option ${name} must be > 0 ms, got 0`);
  return ms;
}
