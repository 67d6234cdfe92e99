import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const cliPath = path.join(repoRoot, 'bin', 'procblock.js');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

/** Run the real CLI to completion. */
export function runCli(args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  const child = startCli(args, options);
  return child.done;
}

export interface RunningCli {
  readonly child: ChildProcess;
  readonly done: Promise<CliResult>;
  stdout(): string;
  stderr(): string;
  /** Resolve when stdout+stderr so far match `re` (checked on every chunk). */
  waitFor(re: RegExp, stream?: 'stdout' | 'stderr'): Promise<void>;
}

/** Start the real CLI; synchronise on its output with `waitFor`. */
export function startCli(args: readonly string[], options: CliOptions = {}): RunningCli {
  const child = spawn(process.execPath, [cliPath, ...args], {
    cwd: options.cwd ?? repoRoot,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const waiters: { re: RegExp; stream: 'stdout' | 'stderr' | undefined; resolve: () => void }[] = [];
  const check = (): void => {
    for (const w of [...waiters]) {
      const text = w.stream === 'stdout' ? out : w.stream === 'stderr' ? err : out + err;
      if (w.re.test(text)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  };
  child.stdout?.setEncoding('utf8').on('data', (d: string) => {
    out += d;
    check();
  });
  child.stderr?.setEncoding('utf8').on('data', (d: string) => {
    err += d;
    check();
  });
  const done = new Promise<CliResult>((resolve) => {
    child.on('close', (code, signal) => {
      for (const w of waiters) w.resolve();
      resolve({ code, signal, stdout: out, stderr: err });
    });
  });
  return {
    child,
    done,
    stdout: () => out,
    stderr: () => err,
    waitFor(re, stream) {
      return new Promise<void>((resolve, reject) => {
        waiters.push({
          re,
          stream,
          resolve: () => {
            const text = stream === 'stdout' ? out : stream === 'stderr' ? err : out + err;
            if (re.test(text)) resolve();
            else reject(new Error(`process ended before output matched ${re}\nstdout:\n${out}\nstderr:\n${err}`));
          },
        });
        check();
      });
    },
  };
}

/** A temporary folder removed by the returned cleanup. */
export function tempDir(prefix = 'procblock-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * SIGKILL a daemon a failed test may have left behind — only if `pid` is still a process whose
 * command line contains `marker` (the test's temp folder). A daemon that stopped as it should has
 * freed its pid, and on a busy machine the pid may already belong to another test's process:
 * killing it blindly ends that process by a signal (exit code null), far from the test at fault.
 */
export function killLeftover(pid: number, marker: string): void {
  let cmdline: string;
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return; // gone (or no /proc: leave it rather than risk another process)
  }
  if (!cmdline.includes(marker)) return;
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // ended meanwhile
  }
}
