/**
 * A real redis-server for a test file: started in a temp folder on a unix socket (no TCP port,
 * no persistence), ready when its "ready to accept connections" line appears on stdout, stopped
 * by PID. One per test file keeps suites quick; give each test its own key prefix.
 *
 *   const haveRedis = requireSystemTool('redis-server', ['--version'], 'the Redis back-end tests');
 *   let redis: RedisServer;
 *   beforeAll(async () => { redis = await startRedisServer(); });
 *   afterAll(() => redis?.stop());
 *   ... createUnidist({ backend: 'redis', url: redis.url, prefix: uniquePrefix() })
 *
 * `stop()` then `restart()` gives the same socket path back (data is lost: persistence is off),
 * for tests of outages. `freeze()`/`thaw()` send SIGSTOP/SIGCONT.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface RedisServerOptions {
  /** `requirepass` (the URL then carries it). */
  readonly password?: string | undefined;
  /** Extra redis-server arguments. */
  readonly args?: readonly string[] | undefined;
}

export interface RedisServer {
  /** The temp folder (socket, logs). */
  readonly dir: string;
  readonly socket: string;
  /** `unix://<socket>` (with `?password=` when one is set). */
  readonly url: string;
  /** The running server's PID. */
  readonly pid: number;
  /** Everything the server wrote on stdout so far. */
  output(): string;
  /** SIGTERM by PID and wait for the exit (the temp folder stays until `stop`). */
  kill(): Promise<void>;
  /** Start again on the same socket, after `kill`. */
  restart(): Promise<void>;
  /** SIGSTOP / SIGCONT: a server that hangs without closing its socket. */
  freeze(): void;
  thaw(): void;
  /** Kill (if running) and remove the temp folder. Idempotent. */
  stop(): Promise<void>;
}

const READY = /ready to accept connections/i;

export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pb-redis-'));
  const socket = path.join(dir, 'r.sock');
  const args = ['--port', '0', '--unixsocket', socket, '--save', '', '--appendonly', 'no', '--dir', dir];
  if (options.password !== undefined) args.push('--requirepass', options.password);
  args.push(...(options.args ?? []));

  let child: ChildProcess | undefined;
  let out = '';
  let exited: Promise<void> = Promise.resolve();

  const launch = (): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      const c = spawn('redis-server', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
      child = c;
      let ready = false;
      exited = new Promise<void>((r) => c.once('exit', () => r()));
      const onData = (d: string): void => {
        out += d;
        if (!ready && READY.test(out.slice(-4096))) {
          ready = true;
          resolve();
        }
      };
      c.stdout?.setEncoding('utf8').on('data', onData);
      c.stderr?.setEncoding('utf8').on('data', onData);
      c.once('error', reject);
      c.once('exit', (code, signal) => {
        if (!ready) reject(new Error(`redis-server exited before it was ready (${code ?? signal}):\n${out}`));
      });
    });

  const kill = async (): Promise<void> => {
    const c = child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    c.kill('SIGCONT');
    c.kill('SIGTERM');
    await exited;
  };

  await launch();
  let stopped: Promise<void> | undefined;
  return {
    dir,
    socket,
    url: `unix://${socket}${options.password === undefined ? '' : `?password=${encodeURIComponent(options.password)}`}`,
    get pid() {
      return child?.pid ?? -1;
    },
    output: () => out,
    kill,
    restart: async () => {
      await kill();
      out = '';
      await launch();
    },
    freeze: () => void child?.kill('SIGSTOP'),
    thaw: () => void child?.kill('SIGCONT'),
    stop: () =>
      (stopped ??= kill().then(() => {
        rmSync(dir, { recursive: true, force: true });
      })),
  };
}

let prefixSeq = 0;

/** A key prefix no other test in this process uses. */
export function uniquePrefix(label = 't'): string {
  return `pbtest:${process.pid}:${label}:${++prefixSeq}`;
}
