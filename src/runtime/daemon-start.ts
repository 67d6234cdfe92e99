/**
 * Starting a daemon (SPEC §4) and knowing that it started: the parent re-runs the command line
 * as a detached child (stdout/stderr to the log file) with an IPC channel, and waits for one
 * readiness message. The child sends it once it has written its pidfile and printed its first
 * result (`ready`), or, when it fails before that, its error report and exit code (`failed`);
 * then it closes the channel, so it runs on alone. A child that exits without a message (a crash)
 * is reported with its exit code and what it wrote to the log meanwhile. The wait is bounded:
 * a child that is neither ready nor gone after `readyTimeoutMs` is stopped (SIGTERM, then
 * SIGKILL after `stopGraceMs`) and the start fails — a failed start leaves nothing running.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RuntimeFailure } from '../core/errors.js';
import { DAEMON_ENV } from './daemon.js';

type ReadinessMessage = { readonly procblock: 'ready' } | { readonly procblock: 'failed'; readonly exitCode: number; readonly report: string };

/** A daemon that did not get ready: exit with `childExitCode`, show `childReport` (or the log excerpt). */
export class DaemonStartFailure extends RuntimeFailure {
  constructor(
    message: string,
    readonly childExitCode: number,
    /** The child's own error report (as it would have printed it), when it sent one. */
    readonly childReport: string | undefined,
    /** What the child wrote to its log during the start, when it sent no report. */
    readonly logExcerpt: string | undefined,
  ) {
    super('PB_ERR_DAEMON', message);
    this.name = 'DaemonStartFailure';
  }
}

export interface DaemonStartOptions {
  readonly argv: readonly string[];
  readonly logFile: string;
  readonly cwd: string;
  readonly env?: NodeJS.ProcessEnv | undefined;
  /** How long to wait for the first result. */
  readonly readyTimeoutMs: number;
  /** After a timeout or cancel(): how long the child may drain after SIGTERM before SIGKILL. */
  readonly stopGraceMs: number;
}

export interface DaemonStart {
  readonly pid: number;
  /** Resolves once the child is ready; rejects with a DaemonStartFailure. */
  readonly ready: Promise<void>;
  /** Stop the starting child (SIGTERM, SIGKILL after the grace period); `ready` then rejects. */
  cancel(): void;
}

export function startDaemon(opts: DaemonStartOptions): DaemonStart {
  fs.mkdirSync(path.dirname(opts.logFile), { recursive: true });
  const fd = fs.openSync(opts.logFile, 'a');
  const logOffset = fs.fstatSync(fd).size;
  let child: ChildProcess;
  try {
    child = spawn(process.execPath, [...process.execArgv, ...opts.argv], {
      cwd: opts.cwd,
      detached: true,
      stdio: ['ignore', fd, fd, 'ipc'],
      env: { ...(opts.env ?? process.env), [DAEMON_ENV]: '1' },
    });
  } finally {
    fs.closeSync(fd);
  }
  const pid = child.pid;
  if (pid === undefined) throw new RuntimeFailure('PB_ERR_DAEMON', 'could not start the daemon process');

  let report: { exitCode: number; report: string } | undefined;
  let stopping: 'timeout' | 'cancel' | undefined;
  let killTimer: NodeJS.Timeout | undefined;
  let settled = false;
  const stop = (why: 'timeout' | 'cancel'): void => {
    if (stopping || settled) return; // a daemon that is ready is on its own
    stopping = why;
    child.kill('SIGTERM');
    killTimer = setTimeout(() => child.kill('SIGKILL'), opts.stopGraceMs);
  };

  const ready = new Promise<void>((resolve, reject) => {
    const readyTimer = setTimeout(() => stop('timeout'), opts.readyTimeoutMs);
    const done = (): void => {
      settled = true;
      clearTimeout(readyTimer);
      clearTimeout(killTimer);
      child.removeAllListeners();
      child.on('error', () => undefined); // the channel is ours no more; nothing may crash us later
    };
    child.on('message', (m: ReadinessMessage) => {
      if (m.procblock === 'failed') report = { exitCode: m.exitCode, report: m.report };
      if (m.procblock === 'ready' && !stopping) {
        done();
        if (child.connected) child.disconnect();
        child.unref();
        resolve();
      }
    });
    // 'close' comes after the exit and after the IPC channel closed, so a report sent before
    // exiting has been received by then.
    child.on('close', (code, signal) => {
      done();
      const exitCode = code ?? 128 + signalNumber(signal);
      if (stopping === 'timeout') {
        reject(new DaemonStartFailure(`the daemon (pid ${pid}) produced no first result within ${seconds(opts.readyTimeoutMs)}; it was stopped (see ${opts.logFile}; more time: --start-timeout)`, 1, undefined, logSince(opts.logFile, logOffset)));
        return;
      }
      const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
      const what = stopping === 'cancel' ? 'start interrupted: the daemon' : 'the daemon';
      reject(new DaemonStartFailure(`${what} (pid ${pid}) ${how} before its first result (log: ${opts.logFile})`, report?.exitCode ?? exitCode, report?.report, report ? undefined : logSince(opts.logFile, logOffset)));
    });
    child.on('error', (e) => {
      done();
      reject(new RuntimeFailure('PB_ERR_DAEMON', `could not start the daemon process: ${e.message}`, { cause: e }));
    });
  });
  return { pid, ready, cancel: () => stop('cancel') };
}

/** The child's side: undefined unless this process was started by `startDaemon`. */
export interface DaemonReadiness {
  /** The pidfile is written and the first result printed: the parent may leave. */
  ready(): Promise<void>;
  /** Starting failed; the parent exits with `exitCode` and shows `report`. */
  failed(exitCode: number, report: string): Promise<void>;
  /** Close the channel if neither was sent (the process is about to end). */
  close(): void;
}

export function daemonReadiness(): DaemonReadiness | undefined {
  const send = process.send?.bind(process);
  if (!send || !process.connected) return undefined;
  let sent = false;
  const close = (): void => {
    if (process.connected) process.disconnect();
  };
  const message = (m: ReadinessMessage): Promise<void> =>
    new Promise((resolve) => {
      if (sent || !process.connected) return resolve();
      sent = true;
      // A parent that went away (Ctrl-C) makes the send fail: the daemon carries on regardless.
      send(m, undefined, undefined, () => {
        close();
        resolve();
      });
    });
  return {
    ready: () => message({ procblock: 'ready' }),
    failed: (exitCode, report) => message({ procblock: 'failed', exitCode, report }),
    close,
  };
}

function logSince(file: string, offset: number): string | undefined {
  try {
    const text = fs.readFileSync(file).subarray(offset).toString('utf8').trimEnd();
    if (text === '') return undefined;
    const lines = text.split('\n');
    return lines.slice(-20).join('\n');
  } catch {
    return undefined;
  }
}

function signalNumber(signal: NodeJS.Signals | null): number {
  return signal ? (os.constants.signals[signal] ?? 0) : 0;
}

function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))} s`;
}
