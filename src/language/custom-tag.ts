/** A custom tag function (SPEC §2.4), as the block language sees it. */
import type { SourceLocation } from '../core/errors.js';

export interface CustomTagSpec {
  /** The key pattern, anchored: `notify .*` matches keys `notify ops`, ... */
  readonly pattern: string;
  readonly regex: RegExp;
  /** Absolute script path. */
  readonly script: string;
  readonly priority: number;
  readonly location?: SourceLocation | undefined;
}
