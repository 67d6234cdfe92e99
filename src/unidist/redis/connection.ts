/**
 * One node-redis connection with the fault behaviour SPEC §5 asks for:
 * - opening fails fast with PB_ERR_UNIDIST_CONNECT (refused, no such socket, bad password, TLS),
 *   so a wrong `--unidist` URL is an exit-2 start-up error, not a hang;
 * - once open, a lost connection is retried with capped exponential backoff and jitter; the main
 *   connection logs one warning per outage and one line when it is back;
 * - a call waits for the connection at most until its deadline, then fails with
 *   PB_ERR_UNIDIST_UNAVAILABLE; a call in flight when the connection drops fails the same way
 *   (it may or may not have taken effect: Redis never answered). Nothing is queued offline, so a
 *   caller that was told "failed" is never surprised by the write landing minutes later.
 * Blocking connections (queue waits) do not reconnect: a broken one is dropped and replaced.
 */
import { createClient, ErrorReply } from '@redis/client';
import type { Clock, TimerHandle } from '../../core/clock.js';
import { InputError, RuntimeFailure } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import { evalArgs, evalShaArgs, isNoScript, type LuaScript } from './lua-script.js';
import type { RedisTarget } from './url.js';

export interface ConnectionSettings {
  readonly target: RedisTarget;
  readonly clock: Clock;
  readonly logger: Logger;
  /** How long a call may wait for Redis (reconnecting included). */
  readonly callTimeoutMs: number;
  /** How long opening a connection may take. */
  readonly connectTimeoutMs: number;
}

export type ConnectionRole = 'main' | 'subscriber' | 'blocking';

type Client = ReturnType<typeof createClient>;

const BACKOFF_BASE_MS = 100;
const BACKOFF_CAP_MS = 3000;

export class RedisConnection {
  private everReady = false;
  private downSince: number | undefined;
  private lastError: Error | undefined;
  private readonly readyWaiters = new Set<(error?: Error) => void>();
  private readonly reconnectHooks = new Set<() => void>();
  private closing: Promise<void> | undefined;
  readonly client: Client;

  private constructor(
    private readonly settings: ConnectionSettings,
    readonly role: ConnectionRole,
  ) {
    const { target } = settings;
    const reconnectStrategy = (retries: number, cause: Error): number | Error => {
      this.lastError = cause;
      // Before the first success the URL is wrong or Redis is not there: say so at once.
      if (!this.everReady || this.role === 'blocking' || this.closing) return cause;
      return Math.min(BACKOFF_BASE_MS * 2 ** Math.min(retries, 10), BACKOFF_CAP_MS) + Math.floor(Math.random() * BACKOFF_BASE_MS);
    };
    const socket =
      target.kind === 'unix'
        ? { path: target.path as string, connectTimeout: settings.connectTimeoutMs, reconnectStrategy }
        : target.kind === 'tls'
          ? { host: target.host as string, port: target.port as number, tls: true as const, connectTimeout: settings.connectTimeoutMs, reconnectStrategy }
          : { host: target.host as string, port: target.port as number, connectTimeout: settings.connectTimeoutMs, reconnectStrategy };
    this.client = createClient({
      socket,
      username: target.username,
      password: target.password,
      database: target.database,
      disableOfflineQueue: true,
      name: `procblock-${role}-${process.pid}`,
    });
    this.client.on('error', (e: Error) => this.markDown(e));
    this.client.on('reconnecting', () => this.markDown(this.lastError));
    this.client.on('ready', () => this.markUp());
  }

  /** Open a connection; PB_ERR_UNIDIST_CONNECT when Redis cannot be reached or refuses us. */
  static async open(settings: ConnectionSettings, role: ConnectionRole): Promise<RedisConnection> {
    const c = new RedisConnection(settings, role);
    try {
      await c.client.connect();
    } catch (e) {
      if (c.client.isOpen) c.client.destroy();
      throw connectError(settings.target, c.lastError ?? (e as Error));
    }
    return c;
  }

  get isReady(): boolean {
    return this.client.isReady;
  }

  get timeoutMs(): number {
    return this.settings.callTimeoutMs;
  }

  /** The default deadline of a call starting now. */
  deadline(): number {
    return this.settings.clock.now() + this.settings.callTimeoutMs;
  }

  /** Called after every reconnect (not after the first connect). Returns a remover. */
  onReconnect(hook: () => void): () => void {
    this.reconnectHooks.add(hook);
    return () => this.reconnectHooks.delete(hook);
  }

  /** Send one command; waits for the connection until `deadlineAt`. */
  async send<T>(args: readonly string[], deadlineAt: number = this.deadline()): Promise<T> {
    try {
      return await this.sendRaw<T>(args, deadlineAt);
    } catch (e) {
      throw this.mapError(e, args[0] ?? '');
    }
  }

  /** Run a Lua script (EVALSHA, then EVAL if Redis lost its script cache). */
  async eval<T>(script: LuaScript, keys: readonly string[], args: readonly string[], deadlineAt: number = this.deadline()): Promise<T> {
    try {
      try {
        return await this.sendRaw<T>(evalShaArgs(script, keys, args), deadlineAt);
      } catch (e) {
        if (!isNoScript(e)) throw e;
        return await this.sendRaw<T>(evalArgs(script, keys, args), deadlineAt);
      }
    } catch (e) {
      throw this.mapError(e, `script ${script.name}`);
    }
  }

  /** The error a call gets when Redis is unreachable right now. */
  unavailableNow(): RuntimeFailure {
    return this.unavailable('no connection');
  }

  /** Wait until the connection is ready (or `deadlineAt` passes: PB_ERR_UNIDIST_UNAVAILABLE). */
  waitReady(deadlineAt: number): Promise<void> {
    if (this.closing) return Promise.reject(closedError());
    if (this.client.isReady) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      let timer: TimerHandle | undefined;
      const done = (error?: Error): void => {
        this.readyWaiters.delete(done);
        timer?.cancel();
        if (error) reject(error);
        else resolve();
      };
      this.readyWaiters.add(done);
      if (Number.isFinite(deadlineAt)) {
        timer = this.settings.clock.setTimeout(() => done(this.unavailable('no connection')), Math.max(0, deadlineAt - this.settings.clock.now()));
      }
    });
  }

  /** Close: graceful when connected (pending replies arrive), immediate otherwise. Idempotent. */
  close(): Promise<void> {
    this.closing ??= this.doClose();
    return this.closing;
  }

  private async doClose(): Promise<void> {
    for (const w of [...this.readyWaiters]) w(closedError());
    this.reconnectHooks.clear();
    if (this.client.isReady) {
      let timer: TimerHandle | undefined;
      await Promise.race([
        this.client.close().catch(() => undefined),
        new Promise<void>((r) => (timer = this.settings.clock.setTimeout(r, 1000))),
      ]);
      timer?.cancel();
    }
    if (this.client.isOpen) this.client.destroy();
  }

  private async sendRaw<T>(args: readonly string[], deadlineAt: number): Promise<T> {
    if (this.closing) throw closedError();
    if (!this.client.isReady) await this.waitReady(deadlineAt);
    const reply = this.client.sendCommand([...args]) as Promise<T>;
    if (!Number.isFinite(deadlineAt)) return reply; // a blocking command: cancelled by CLIENT UNBLOCK
    let timer: TimerHandle | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = this.settings.clock.setTimeout(() => reject(this.unavailable('no reply')), Math.max(0, deadlineAt - this.settings.clock.now()));
    });
    reply.catch(() => undefined); // a reply after the deadline is dropped
    try {
      return await Promise.race([reply, late]);
    } finally {
      timer?.cancel();
    }
  }

  private mapError(e: unknown, what: string): unknown {
    if (e instanceof RuntimeFailure || e instanceof InputError) return e;
    if (this.closing) return closedError();
    if (e instanceof ErrorReply) {
      if (e.message.startsWith('PB_NONFINITE')) return new InputError('PB_ERR_INVALID_ARGUMENT', e.message.replace(/^PB_NONFINITE /, ''));
      return new RuntimeFailure('PB_ERR_UNIDIST', `Redis refused ${what}: ${e.message}`, { cause: e });
    }
    return this.unavailable(`${what}: ${(e as Error).message ?? String(e)}`, e);
  }

  private unavailable(why: 'no connection' | 'no reply' | string, cause: unknown = this.lastError): RuntimeFailure {
    const at = `Redis at ${this.settings.target.display}`;
    const limit = `the call's timeout (${Math.round(this.settings.callTimeoutMs)} ms)`;
    const message =
      why === 'no connection'
        ? `${at} is unreachable${this.lastError ? ` (${this.lastError.message})` : ''} and did not come back within ${limit}`
        : why === 'no reply'
          ? `${at} did not answer within ${limit}`
          : `the connection to ${at} broke: ${why} (it may or may not have taken effect)`;
    return new RuntimeFailure('PB_ERR_UNIDIST_UNAVAILABLE', message, { cause });
  }

  private markDown(cause: Error | undefined): void {
    if (cause) this.lastError = cause;
    if (!this.everReady || this.closing || this.downSince !== undefined) return;
    this.downSince = this.settings.clock.now();
    if (this.role === 'main') {
      this.settings.logger.warn(
        `lost the connection to Redis at ${this.settings.target.display}${cause ? ` (${cause.message})` : ''}; reconnecting with backoff, unidist calls fail with PB_ERR_UNIDIST_UNAVAILABLE meanwhile`,
      );
    }
  }

  private markUp(): void {
    const reconnect = this.everReady;
    this.everReady = true;
    for (const w of [...this.readyWaiters]) w();
    if (!reconnect) return;
    const since = this.downSince;
    this.downSince = undefined;
    if (this.role === 'main') {
      const s = since === undefined ? '' : ` after ${((this.settings.clock.now() - since) / 1000).toFixed(1)} s`;
      this.settings.logger.info(`reconnected to Redis at ${this.settings.target.display}${s}`);
    }
    for (const hook of [...this.reconnectHooks]) hook();
  }
}

function closedError(): RuntimeFailure {
  return new RuntimeFailure('PB_ERR_CLOSED', 'this unidist is closed');
}

/** A start-up failure, worded for an operator who typed the URL. */
export function connectError(target: RedisTarget, e: Error): InputError {
  const msg = e.message ?? String(e);
  let hint: string;
  if (/WRONGPASS|invalid username-password/i.test(msg)) hint = 'Redis refused the user name or password given in the URL';
  else if (/NOAUTH/i.test(msg)) hint = 'Redis requires a password: give it in the URL (redis://:PASSWORD@host:port, or ?password= for unix://)';
  else if (/ENOENT/.test(msg)) hint = 'no Redis socket at that path (is redis-server running, with unixsocket set to it?)';
  else if (/ECONNREFUSED/.test(msg)) hint = 'connection refused (is redis-server running and listening there?)';
  else if (/EACCES/.test(msg)) hint = 'permission denied on the socket';
  else if (/ENOTFOUND|EAI_AGAIN/.test(msg)) hint = 'the host name does not resolve';
  else if (/timeout/i.test(msg)) hint = 'no answer before the connect timeout';
  else if (/DB index|invalid DB/i.test(msg)) hint = 'Redis refused the database number in the URL';
  else hint = 'cannot connect';
  return new InputError('PB_ERR_UNIDIST_CONNECT', `unidist: cannot use Redis at ${target.display}: ${hint} [${msg}]`, { cause: e });
}
