/** What the items of one run list share while it executes. */
import type { KeyPath } from '../../config/types.js';
import type { EngineContext } from '../context.js';
import type { PipeData } from '../types.js';

export interface RunListState {
  readonly ctx: EngineContext;
  /** The pipe data this list reads and writes (a private copy under `run simultaneous`). */
  readonly pipeData: PipeData;
  /** Working directory for the next item; `cd:` items move it for the rest of this list only. */
  cwd: string;
  /** The list as written: `block` for its scripts. */
  readonly list: readonly unknown[];
  /** The mapping holding the calling tag: `ctx.blockParent` for its scripts. */
  readonly blockParent: unknown;
  /** The calling tag (`run`, `run simultaneous`). */
  readonly tag: string;
  /** Key path of the list. */
  readonly path: KeyPath;
}
