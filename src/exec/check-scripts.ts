/**
 * `procblock --check`'s script check: every script is transformed and imported in a worker thread
 * (check-worker.ts, through the same ScriptLoader a run uses), and each gets a verdict. A script
 * that hangs while loading is given `timeoutMs`, then its worker is terminated; one that ends its
 * worker (`process.exit()`, a top-level await that never settles, a throw in a timer) fails alone:
 * the remaining scripts are checked in a fresh worker.
 */
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ErrorCode } from '../core/errors.js';
import type { CheckWorkerInit, CheckWorkerMessage } from './check-protocol.js';
import { tsHooksData } from './ts-hooks-data.js';

export type LoadVerdict =
  | { readonly ok: true }
  | {
      readonly ok: false;
      readonly code: ErrorCode;
      readonly message: string;
      /** Where inside the script, when known (syntax errors). */
      readonly file?: string | undefined;
      readonly line?: number | undefined;
      readonly col?: number | undefined;
    };

export interface CheckScriptsOptions {
  /** How long one script may take to load. Default 30 s. */
  readonly timeoutMs?: number | undefined;
  /** Transform cache folder; false = none (see ts-hooks-data.ts). */
  readonly cacheDir?: string | false | undefined;
}

export async function checkScripts(scripts: readonly string[], options: CheckScriptsOptions = {}): Promise<Map<string, LoadVerdict>> {
  const verdicts = new Map<string, LoadVerdict>();
  let pending = [...new Set(scripts)];
  while (pending.length > 0) {
    await runWorker(pending, verdicts, options.timeoutMs ?? 30_000, options.cacheDir);
    const left = pending.filter((s) => !verdicts.has(s));
    if (left.length === pending.length) {
      // The worker ended before it started any script: do not loop.
      for (const s of left) verdicts.set(s, { ok: false, code: 'PB_ERR_WORKER_EXIT', message: `script ${s} could not be checked: the check worker did not start` });
      break;
    }
    pending = left;
  }
  return verdicts;
}

function runWorker(scripts: readonly string[], verdicts: Map<string, LoadVerdict>, timeoutMs: number, cacheDir: string | false | undefined): Promise<void> {
  return new Promise((resolve) => {
    const init: CheckWorkerInit = { tsHooks: tsHooksData(cacheDir), scripts };
    const worker = new Worker(fileURLToPath(new URL('./check-worker.js', import.meta.url)), { workerData: init });
    let current: string | undefined;
    let timer: NodeJS.Timeout | undefined;
    let ended = false;
    const finish = (): void => {
      if (ended) return;
      ended = true;
      clearTimeout(timer);
      void worker.terminate().then(() => resolve());
    };
    const failCurrent = (code: ErrorCode, message: (script: string) => string): void => {
      if (current !== undefined && !verdicts.has(current)) verdicts.set(current, { ok: false, code, message: message(current), file: current });
    };
    worker.on('message', (m: CheckWorkerMessage) => {
      if (m.type === 'start') {
        current = m.script;
        clearTimeout(timer);
        timer = setTimeout(() => {
          failCurrent('PB_ERR_SCRIPT_TIMEOUT', (s) => `script ${s} did not finish loading within ${timeoutMs / 1000} s (top-level code that waits on something?)`);
          finish();
        }, timeoutMs);
      } else if (m.type === 'ok') {
        verdicts.set(m.script, { ok: true });
      } else if (m.type === 'fail') {
        const f = m.failure;
        verdicts.set(m.script, { ok: false, code: f.code, message: f.message, file: f.file, line: f.line, col: f.col });
      } else {
        finish();
      }
    });
    worker.on('error', (e) => {
      failCurrent('PB_ERR_SCRIPT_THROW', (s) => `script ${s} threw while loading (outside its import): ${e.name}: ${e.message}`);
      finish();
    });
    worker.on('exit', (code) => {
      failCurrent('PB_ERR_WORKER_EXIT', (s) =>
        code === 0
          ? `script ${s} never finished loading: a top-level await that never settles ended its worker`
          : `script ${s} ended its worker while loading (exit code ${code}; process.exit() at top level?)`,
      );
      finish();
    });
  });
}
