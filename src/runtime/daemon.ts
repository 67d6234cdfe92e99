/**
 * Daemon mode (SPEC §4): detach, write a pidfile, log to a file; `--stop` ends it.
 *
 * The parent re-runs the same command line as a detached child whose stdout/stderr go to the log
 * file and waits until it is ready (daemon-start.ts). The child writes the pidfile once it has
 * started (refusing when a live process already owns it) and removes it when it exits.
 */
import fs from 'node:fs';
import path from 'node:path';
import { RuntimeFailure } from '../core/errors.js';

export const DAEMON_ENV = 'PROCBLOCK_DAEMON_CHILD';

export function isDaemonChild(env: NodeJS.ProcessEnv = process.env): boolean {
  return env[DAEMON_ENV] === '1';
}

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function readPidFile(file: string): number | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const pid = Number.parseInt(text.trim(), 10);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/** Throws PB_ERR_ALREADY_RUNNING when a live process other than `pid` holds the pidfile. */
export function assertNotRunning(file: string, pid: number = process.pid): void {
  const existing = readPidFile(file);
  if (existing !== undefined && existing !== pid && processAlive(existing)) {
    throw new RuntimeFailure('PB_ERR_ALREADY_RUNNING', `already running as pid ${existing} (pidfile ${file}); stop it with procblock --stop`);
  }
}

/** Write our pid atomically; fails when a live process already holds the pidfile. */
export function writePidFile(file: string, pid: number = process.pid): () => void {
  assertNotRunning(file, pid);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${pid}.tmp`;
  fs.writeFileSync(tmp, `${pid}\n`);
  fs.renameSync(tmp, file);
  return () => {
    if (readPidFile(file) === pid) fs.rmSync(file, { force: true });
  };
}

/**
 * Send SIGTERM to the daemon in `pidFile` and wait for it to exit (it drains, flushes and
 * removes its pidfile). Resolves with the pid stopped.
 */
export async function stopDaemon(pidFile: string, deadlineMs: number): Promise<number> {
  const pid = readPidFile(pidFile);
  if (pid === undefined) throw new RuntimeFailure('PB_ERR_DAEMON', `no daemon is running: no pidfile at ${pidFile}`);
  if (!processAlive(pid)) {
    fs.rmSync(pidFile, { force: true });
    throw new RuntimeFailure('PB_ERR_DAEMON', `no daemon is running: pid ${pid} from ${pidFile} is gone (stale pidfile removed)`);
  }
  process.kill(pid, 'SIGTERM');
  // An unrelated process gives no exit event; poll its existence until the deadline.
  const until = Date.now() + deadlineMs;
  while (processAlive(pid)) {
    if (Date.now() > until) {
      throw new RuntimeFailure('PB_ERR_DAEMON', `daemon pid ${pid} did not stop within ${Math.round(deadlineMs / 1000)} s`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return pid;
}
