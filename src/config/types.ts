/**
 * What loading a block file produces: the data (imports resolved, `__usage` and `__tags`
 * taken out), positions for error messages, and everything a later stage needs to know.
 * Downstream code never reads raw YAML.
 */
import type { SourceLocation } from '../core/errors.js';

export type KeyPath = readonly (string | number)[];

export interface UsageArg {
  readonly name: string;
  readonly info?: string | undefined;
  readonly required?: boolean | undefined;
  readonly default?: unknown;
  readonly remaining?: boolean | undefined;
}

export interface UsageOption {
  readonly name: string;
  readonly letter?: string | undefined;
  readonly type: 'flag' | 'value';
  readonly info?: string | undefined;
  /** Present only when the YAML gave a default. */
  readonly default?: unknown;
  readonly hasDefault: boolean;
}

/** The block's `__usage` (SPEC §1.1, §4). */
export interface UsageSpec {
  readonly name?: string | undefined;
  readonly author?: string | undefined;
  readonly info?: string | undefined;
  readonly website?: string | undefined;
  readonly longrunning: boolean;
  readonly daemon: boolean;
  readonly pidfile?: string | undefined;
  /** Absolute log file for daemon mode, when given. */
  readonly logfile?: string | undefined;
  /** Absolute working directory (resolved against the YAML file's folder). */
  readonly cwd?: string | undefined;
  readonly args: readonly UsageArg[];
  readonly options: readonly UsageOption[];
}

export type { CustomTagSpec } from '../language/custom-tag.js';
import type { CustomTagSpec } from '../language/custom-tag.js';

export interface LoadedBlock {
  /** Absolute path of the top-level file. */
  readonly file: string;
  /** Folder of the top-level file. */
  readonly dir: string;
  /** The block mapping: imports merged in, `__usage` and `__tags` removed. Deeply frozen. */
  readonly data: Readonly<Record<string, unknown>>;
  readonly usage: UsageSpec | undefined;
  readonly tags: readonly CustomTagSpec[];
  /** Every file read (top file and imports), for watching. */
  readonly files: readonly string[];
  /**
   * Where a node of `data` came from. The returned `file` is the file that holds the node, so
   * relative paths (scripts, templates) resolve against `path.dirname(locate(p).file)`.
   * Falls back to the nearest located ancestor; always returns at least `{file}`.
   */
  locate(path: KeyPath): SourceLocation;
}
