/**
 * The contract between the level processor and one tag function (one file per built-in tag
 * under `tags/`).
 */
import type { KeyPath } from '../config/types.js';
import type { EngineContext } from './context.js';
import type { LevelScope } from './level-scope.js';
import type { EngineTag } from './level-plan.js';

export interface TagCall<T extends EngineTag = EngineTag> {
  readonly key: string;
  readonly tag: T;
  /** The value as written (deeply frozen). */
  readonly value: unknown;
  /** Key path of this key in the block. */
  readonly path: KeyPath;
  /** The mapping that holds the key (ctx.blockParent for scripts). */
  readonly parent: Readonly<Record<string, unknown>>;
  readonly scope: LevelScope;
  readonly ctx: EngineContext;
  /** Process a nested mapping as a level of its own (child of this level's lock scope). */
  readonly processLevel: (mapping: Readonly<Record<string, unknown>>, path: KeyPath) => Promise<unknown>;
}

export type TagOutcome =
  /** Nothing stored in the result (set, list, lock and queue tags). */
  | { readonly type: 'none' }
  | { readonly type: 'store'; readonly value: unknown }
  /** Keys merged into the containing level, overriding plain siblings (a taken `if` branch). */
  | { readonly type: 'merge'; readonly values: Readonly<Record<string, unknown>> }
  /** The rest of the level is skipped and the level's result is `value` (lock `timeout_block`). */
  | { readonly type: 'replace-level'; readonly value: unknown };

export const NOTHING: TagOutcome = { type: 'none' };

export type TagFunction<T extends EngineTag = EngineTag> = (call: TagCall<T>) => Promise<TagOutcome>;
