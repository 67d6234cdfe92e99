/**
 * Errors are values with stable codes. Tests assert `code`, never message text.
 * Every error for bad input carries where it happened (`file:line:col` and a key path).
 *
 * Exit codes (SPEC §1): input/usage errors exit 2, runtime failures exit 1.
 */

export interface SourceLocation {
  /** Absolute or user-given path of the file. */
  readonly file: string;
  /** 1-based line, when known. */
  readonly line?: number | undefined;
  /** 1-based column, when known. */
  readonly col?: number | undefined;
  /** Key path inside the block, e.g. `run[2].shell`. */
  readonly keyPath?: string | undefined;
}

/** Every error code procblock raises, with the exit code a CLI run ends with. */
export const ERROR_CODES = {
  // --- usage / input: exit 2 ---
  PB_ERR_USAGE: 2, // unknown runtime option, bad option value
  PB_ERR_BLOCK_USAGE: 2, // unknown block option, missing required arg, extra positionals
  PB_ERR_FILE_NOT_FOUND: 2,
  PB_ERR_FILE_UNREADABLE: 2,
  PB_ERR_YAML_SYNTAX: 2,
  PB_ERR_SCHEMA: 2, // one or more schema violations (see `problems`)
  PB_ERR_CONDITION_SYNTAX: 2,
  PB_ERR_EXPRESSION_SYNTAX: 2, // an alert or derive expression does not parse
  PB_ERR_UNKNOWN_TAG_OPTION: 2,
  PB_ERR_MISSPELLED_TAG: 2, // a data key within a typo of a tag (`incremnt hits`); quote it to keep it as data
  PB_ERR_INCLUDE_CYCLE: 2,
  PB_ERR_INCLUDE_NOT_FOUND: 2,
  PB_ERR_SCRIPT_NOT_FOUND: 2,
  PB_ERR_VALIDATION: 2, // semantic checks a schema cannot express (several may be collected)
  PB_ERR_INVALID_ARGUMENT: 2, // library/API called with a bad value
  PB_ERR_RRD_INVALID: 2, // bad RRD definition (DS type, step, rows, names)
  PB_ERR_RRD_FORMAT: 2, // corrupt/truncated/foreign file
  PB_ERR_RELOAD_REFUSED: 2, // hot reload: a change that cannot be applied to a running process
  PB_ERR_WEB_INSECURE: 2, // dropstar would listen beyond loopback without auth or `insecure: true`
  PB_ERR_RRD_LOCKED: 2, // another writer holds the file's lock (a second writer would lose samples)
  PB_ERR_UNIDIST_CONNECT: 2, // the unidist back end cannot be reached at start-up (refused, bad password, no such socket)
  // --- runtime: exit 1 ---
  PB_ERR_RUNTIME: 1,
  PB_ERR_SCRIPT_SYNTAX: 1,
  PB_ERR_SCRIPT_THROW: 1,
  PB_ERR_SCRIPT_TIMEOUT: 1,
  PB_ERR_SCRIPT_NO_EXPORT: 1,
  PB_ERR_WORKER_EXIT: 1,
  PB_ERR_SHELL_FAILED: 1,
  PB_ERR_SHELL_TIMEOUT: 1,
  PB_ERR_SHELL_PARSE: 1, // `parse: json|kv` on a shell item could not read its output
  PB_ERR_RETURN_TAG_MISSING: 1,
  PB_ERR_LOCK_TIMEOUT: 1,
  PB_ERR_LOCK_NOT_HELD: 1,
  PB_ERR_UNIDIST: 1,
  PB_ERR_UNIDIST_UNAVAILABLE: 1, // the unidist back end could not be reached within the call's timeout
  PB_ERR_LOCK_STALE: 1, // a fenced write carried a token whose lock has expired or passed to another holder
  PB_ERR_CLOSED: 1, // used after close()
  PB_ERR_ABORTED: 1,
  PB_ERR_RRD_UPDATE: 1, // illegal update (time not after last, etc.)
  PB_ERR_RRD_IO: 1,
  PB_ERR_GRAPH: 1,
  PB_ERR_ALREADY_RUNNING: 1,
  PB_ERR_DAEMON: 1,
  PB_ERR_WEB_LISTEN: 1, // the dropstar server could not listen (address in use, no permission)
  PB_ERR_UNSUPPORTED_PLATFORM: 1, // e.g. a blocks/ collector that reads Linux's /proc, run elsewhere
  PB_ERR_METRICS: 1, // the --metrics server could not listen
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface ProcblockErrorOptions {
  readonly cause?: unknown;
  readonly location?: SourceLocation | undefined;
  /** Several problems reported at once (schema/validation). */
  readonly problems?: readonly Problem[] | undefined;
}

/** One problem in a multi-problem report. */
export interface Problem {
  readonly message: string;
  readonly location?: SourceLocation | undefined;
  /** The problem's own code, shown beside it when it differs from the report's. */
  readonly code?: ErrorCode | undefined;
}

export class ProcblockError extends Error {
  readonly code: ErrorCode;
  readonly location: SourceLocation | undefined;
  readonly problems: readonly Problem[];

  constructor(code: ErrorCode, message: string, options: ProcblockErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ProcblockError';
    this.code = code;
    this.location = options.location;
    this.problems = options.problems ?? [];
  }

  /** Exit code for a CLI run that ends with this error. */
  get exitCode(): number {
    return ERROR_CODES[this.code];
  }
}

/** Bad usage or bad input: exit 2. */
export class InputError extends ProcblockError {
  constructor(code: ErrorCode, message: string, options: ProcblockErrorOptions = {}) {
    super(code, message, options);
    this.name = 'InputError';
  }
}

/** A failure while running: exit 1. */
export class RuntimeFailure extends ProcblockError {
  constructor(code: ErrorCode, message: string, options: ProcblockErrorOptions = {}) {
    super(code, message, options);
    this.name = 'RuntimeFailure';
  }
}

export function isProcblockError(e: unknown): e is ProcblockError {
  return e instanceof ProcblockError;
}

/** `file:line:col` (parts omitted when unknown), followed by ` at <keyPath>` when known. */
export function formatLocation(loc: SourceLocation | undefined): string {
  if (!loc) return '';
  let s = loc.file;
  if (loc.line !== undefined) s += `:${loc.line}`;
  if (loc.line !== undefined && loc.col !== undefined) s += `:${loc.col}`;
  if (loc.keyPath) s += ` at ${loc.keyPath}`;
  return s;
}

/** Format a key path from segments: `['run', 2, 'shell']` → `run[2].shell`. */
export function formatKeyPath(path: readonly (string | number)[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out === '' ? seg : `.${seg}`;
  }
  return out;
}

/** A human-readable, multi-line report of an error for stderr (no stack unless asked). */
export function formatError(e: unknown, opts: { stack?: boolean } = {}): string {
  if (e instanceof ProcblockError) {
    const where = namesItsFile(e.message, e.location) ? '' : formatLocation(e.location);
    const codeOf = (p: Problem): string => (p.code !== undefined && p.code !== e.code ? ` [${p.code}]` : '');
    const only = e.problems.length === 1 ? e.problems[0] : undefined;
    // A report of one problem is its own head line: say it once.
    const single = only !== undefined && only.message === e.message && formatLocation(only.location) === formatLocation(e.location);
    const lines = [`error[${e.code}]: ${where ? `${where}: ` : ''}${e.message}${single ? codeOf(only) : ''}`];
    if (!single) {
      for (const p of e.problems) {
        const w = formatLocation(p.location);
        lines.push(`  - ${w ? `${w}: ` : ''}${p.message}${codeOf(p)}`);
      }
    }
    if (opts.stack && e.cause instanceof Error && e.cause.stack) lines.push(indent(e.cause.stack));
    return lines.join('\n');
  }
  if (e instanceof Error) return `error: ${opts.stack && e.stack ? e.stack : e.message}`;
  return `error: ${String(e)}`;
}

/**
 * Messages that begin with their file's path (the RRD store's, which library users read as
 * `e.message`) are printed without the location prefix, so the path appears once.
 */
function namesItsFile(message: string, loc: SourceLocation | undefined): boolean {
  return loc !== undefined && loc.line === undefined && !loc.keyPath && message.startsWith(loc.file);
}

function indent(s: string): string {
  return s
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');
}
