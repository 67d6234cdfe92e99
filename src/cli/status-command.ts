/**
 * `procblock status [--state-dir DIR] [--format text|json] <block.yaml>`: what a running (or
 * daemon) block is doing, read from the status file its runtime keeps in its state folder
 * (src/runtime/status-file.ts). The block file itself is not read: only its path matters.
 *
 * Exit codes (as an init script's `status`, LSB): 0 the block is running; 3 it is not (stopped,
 * gone without a clean stop, or never run as a long-running block here); 2 bad usage.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { InputError } from '../core/errors.js';
import { statusFilePath, type StatusFileContent } from '../runtime/status-file.js';
import { defaultStateDir } from '../runtime/state-dir.js';
import { scanArgv } from './argv-scan.js';
import { statusReport } from './status-format.js';

export interface StatusIo {
  stdout(text: string): void;
  stderr(text: string): void;
  readonly cwd: string;
  readonly now?: (() => number) | undefined;
}

export const STATUS_HELP = `usage: procblock status [--state-dir DIR] [--format text|json] <block.yaml>

Shows what a long-running (or daemon) block started from <block.yaml> is doing: its RunThreads'
runs, errors, skipped ticks, samples and graph renders, and its alerts, read from status.json in the block's
state folder (default <block dir>/.procblock/<block>/state; give --state-dir when the block was
started with one). Exit status: 0 running, 3 not running, 2 bad usage.
`;

const NOT_RUNNING = 3;

export function runStatusCommand(argv: readonly string[], io: StatusIo): number {
  const scan = scanArgv(argv, {
    lookup: (name, long) => {
      if (long && (name === 'state-dir' || name === 'format')) return { name, arity: 'required' };
      if (name === 'help' || (!long && name === 'h')) return { name: 'help', arity: 'none' };
      return undefined;
    },
  });
  const problem = scan.problems[0];
  if (problem) {
    const what = problem.kind === 'unknown' ? `unknown option ${problem.arg}` : `option ${problem.shown} ${problem.kind === 'needs-value' ? 'needs a value' : 'takes no value'}`;
    throw new InputError('PB_ERR_USAGE', `procblock status: ${what} (see procblock status --help)`);
  }
  if (scan.options.some((o) => o.name === 'help')) {
    io.stdout(STATUS_HELP);
    return 0;
  }
  const format = scan.options.find((o) => o.name === 'format')?.value ?? 'text';
  if (format !== 'text' && format !== 'json') throw new InputError('PB_ERR_USAGE', `procblock status: --format must be text or json, got '${String(format)}'`);
  const [file, ...extra] = scan.positionals;
  if (file === undefined || extra.length > 0) {
    throw new InputError('PB_ERR_USAGE', `procblock status takes one block file${extra.length ? `, got also ${extra.join(' ')}` : ''} (see procblock status --help)`);
  }
  const block = path.resolve(io.cwd, file);
  const stateDirOption = scan.options.find((o) => o.name === 'state-dir')?.value;
  const stateDir = typeof stateDirOption === 'string' ? path.resolve(io.cwd, stateDirOption) : defaultStateDir(block);
  const statusFile = statusFilePath(stateDir);

  let status: StatusFileContent;
  try {
    status = JSON.parse(readFileSync(statusFile, 'utf8')) as StatusFileContent;
  } catch (e) {
    const missing = (e as NodeJS.ErrnoException).code === 'ENOENT';
    io.stderr(
      missing
        ? `procblock status: ${file} is not running: no status file ${statusFile} (a block keeps one while it runs long-running; started with --state-dir? give the same here)\n`
        : `procblock status: cannot read ${statusFile}: ${(e as Error).message}\n`,
    );
    return NOT_RUNNING;
  }
  const alive = status.state !== 'stopped' && isAlive(status.pid);
  const now = (io.now ?? Date.now)();
  if (format === 'json') io.stdout(`${JSON.stringify({ ...status, alive }, null, 2)}\n`);
  else io.stdout(statusReport(status, alive, now));
  return alive ? 0 : NOT_RUNNING;
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
