/**
 * Daemon mode (SPEC §4): detach, write a pidfile, log to a file; `--stop` ends it.
 *
 * The parent re-runs the same command line as a detached child whose stdout/stderr go to the log
 * file, then exits 0. The child writes the pidfile once it has started (refusing when a live
 * process already owns it) and removes it when it exits.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { RuntimeFailure } from '../core/errors.js';

export const DAEMON_ENV = 'PROCBLOCK_DAEMON_CHILD';

export function isDaemonChild(env: NodeJS.ProcessEnv = process.env): boolean {
  return env[DAEMON_ENV] === '1';
}

/** Start the detached child; returns its pid. */
export function detach(opts: { argv: readonly string[]; logFile: string; cwd: string; env?: NodeJS.ProcessEnv }): number {
  fs.mkdirSync(path.dirname(opts.logFile), { recursive: true });
  const fd = fs.openSync(opts.logFile, 'a');
  try {
    const child = spawn(process.execPath, [...process.execArgv, ...opts.argv], {
      cwd: opts.cwd,
      detached: true,
      stdio: ['ignore', fd, fd],
      env: { ...(opts.env ?? process.env), [DAEMON_ENV]: '1' },
    });
    child.unref();
    if (child.pid === undefined) throw new RuntimeFailure('PB_ERR_DAEMON', 'could not start the daemon process');
    return child.pid;
  } finally {
    fs.closeSync(fd);
  }
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

/** Write our pid atomically; fails when a live process already holds the pidfile. */
export function writePidFile(file: string, pid: number = process.pid): () => void {
  const existing = readPidFile(file);
  if (existing !== undefined && existing !== pid && processAlive(existing)) {
    throw new RuntimeFailure('PB_ERR_ALREADY_RUNNING', `already running as pid ${existing} (pidfile ${file}); stop it with procblock --stop`);
  }
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
