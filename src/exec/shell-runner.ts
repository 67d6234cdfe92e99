/**
 * The shell runner (SPEC §3): `/bin/sh -c <command>` in its own process group, so a timeout,
 * an abort or close() can kill the command together with everything it started
 * (SIGTERM to the group, then SIGKILL after a grace period). Output is read as it arrives into
 * chunk lists, so a command writing more than a pipe buffer never blocks; the result holds it whole.
 *
 * The item ends when the shell has exited AND its output pipes are closed, so nothing written is
 * lost; a background process that inherits them (`server &`) holds the item until it exits or
 * the timeout kills the group — redirect its output (`server > log 2>&1 &`) to detach it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { constants } from 'node:os';
import { systemClock, type Clock, type TimerHandle } from '../core/clock.js';
import { RuntimeFailure } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { ShellCall, ShellOutcome, ShellRunner } from './types.js';

export interface ShellRunnerOptions {
  /** Base environment of every command (call.env is merged over it). Default: the process's. */
  readonly env?: Readonly<Record<string, string | undefined>> | undefined;
  /** Milliseconds between SIGTERM and SIGKILL when a command is killed. Default 2000. */
  readonly killGraceMs?: number | undefined;
  readonly clock?: Clock | undefined;
}

interface Running {
  readonly child: ChildProcess;
  /** Kill the group: SIGTERM now, SIGKILL after the grace period unless it exited. */
  kill(graceMs: number): void;
  readonly exited: Promise<void>;
}

export function createShellRunner(options: ShellRunnerOptions = {}): ShellRunner {
  const clock = options.clock ?? systemClock;
  const graceMs = options.killGraceMs ?? 2000;
  const baseEnv = options.env ?? process.env;
  const running = new Set<Running>();
  let closing: Promise<void> | undefined;

  function run(call: ShellCall, log?: Logger): Promise<ShellOutcome> {
    if (closing) return Promise.reject(new RuntimeFailure('PB_ERR_CLOSED', `shell runner is closed; cannot run: ${call.command}`));
    const start = clock.now();
    return new Promise<ShellOutcome>((resolve) => {
      const stdout: Buffer[] = [];
      const stderr: Buffer[] = [];
      let timedOut = false;
      let settled = false;
      let timer: TimerHandle | undefined;
      let killTimer: TimerHandle | undefined;
      let child: ChildProcess;
      const finish = (exitCode: number, extraErr = ''): void => {
        if (settled) return;
        settled = true;
        timer?.cancel();
        killTimer?.cancel();
        call.signal?.removeEventListener('abort', onAbort);
        running.delete(entry);
        resolveExited();
        const outcome: ShellOutcome = {
          exitCode,
          stdout: Buffer.concat(stdout).toString('utf8'),
          stderr: Buffer.concat(stderr).toString('utf8') + extraErr,
          timedOut,
          durationMs: clock.now() - start,
        };
        log?.debug('shell finished', { command: call.command, exitCode, timedOut, durationMs: outcome.durationMs });
        resolve(outcome);
      };
      let resolveExited: () => void = () => undefined;
      const exited = new Promise<void>((r) => (resolveExited = r));
      const signalGroup = (sig: NodeJS.Signals): void => {
        if (child.pid === undefined) return;
        try {
          process.kill(-child.pid, sig);
        } catch {
          // The group is already gone.
        }
      };
      const entry: Running = {
        get child() {
          return child;
        },
        kill: (ms) => {
          signalGroup('SIGTERM');
          killTimer ??= clock.setTimeout(() => signalGroup('SIGKILL'), ms);
        },
        exited,
      };
      const onAbort = (): void => entry.kill(graceMs);

      try {
        child = spawn('/bin/sh', ['-c', call.command], {
          cwd: call.cwd,
          env: { ...baseEnv, ...call.env },
          detached: true,
          stdio: ['ignore', 'pipe', 'pipe'],
        });
      } catch (e) {
        finish(-1, `could not start /bin/sh: ${e instanceof Error ? e.message : String(e)}`);
        return;
      }
      running.add(entry);
      log?.debug('shell started', { command: call.command, cwd: call.cwd, pid: child.pid });
      child.stdout?.on('data', (b: Buffer) => stdout.push(b));
      child.stderr?.on('data', (b: Buffer) => stderr.push(b));
      child.on('error', (e) => finish(-1, `could not start /bin/sh in ${call.cwd}: ${e.message}`));
      // 'close' waits for the output pipes too, so nothing written before exit is lost.
      child.on('close', (code, signal) => {
        if (code !== null) finish(code);
        else finish(128 + (signal ? (constants.signals[signal] ?? 0) : 0));
      });
      if (call.timeoutMs !== undefined && Number.isFinite(call.timeoutMs)) {
        timer = clock.setTimeout(() => {
          timedOut = true;
          log?.warn('shell command timed out; killing its process group', { command: call.command, timeoutMs: call.timeoutMs });
          entry.kill(graceMs);
        }, call.timeoutMs);
      }
      if (call.signal?.aborted) onAbort();
      else call.signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  function close(deadlineMs = graceMs): Promise<void> {
    closing ??= (async () => {
      const all = [...running];
      for (const r of all) r.kill(deadlineMs);
      await Promise.all(all.map((r) => r.exited));
    })();
    return closing;
  }

  return { run, close };
}
