/** Messages between `checkScripts` (main thread) and check-worker.ts. */
import type { TaskFailure } from './protocol.js';
import type { TsHooksData } from './ts-hooks.js';

export interface CheckWorkerInit {
  readonly tsHooks: TsHooksData;
  /** Absolute script paths, each loaded once, in this order. */
  readonly scripts: readonly string[];
}

export type CheckWorkerMessage =
  | { readonly type: 'start'; readonly script: string }
  | { readonly type: 'ok'; readonly script: string }
  | { readonly type: 'fail'; readonly script: string; readonly failure: TaskFailure }
  | { readonly type: 'done' };
