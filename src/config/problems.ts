/**
 * Collecting every problem of a block and throwing them as one InputError.
 *
 * The error's code (documented rule): when every problem has the same code, that code
 * (one missing script → PB_ERR_SCRIPT_NOT_FOUND; five schema violations → PB_ERR_SCHEMA);
 * when the codes differ but all are schema violations (PB_ERR_SCHEMA, PB_ERR_UNKNOWN_TAG_OPTION)
 * → PB_ERR_SCHEMA; otherwise → PB_ERR_VALIDATION. Each problem keeps its own `code`.
 */
import { ERROR_CODES, InputError } from '../core/errors.js';
import type { ErrorCode, Problem, SourceLocation } from '../core/errors.js';

export interface ValidationProblem extends Problem {
  readonly code: ErrorCode;
  readonly location: SourceLocation;
}

const SCHEMA_CODES: ReadonlySet<ErrorCode> = new Set(['PB_ERR_SCHEMA', 'PB_ERR_UNKNOWN_TAG_OPTION']);

export function codeFor(problems: readonly ValidationProblem[]): ErrorCode {
  const codes = new Set(problems.map((p) => p.code));
  if (codes.size === 1) return [...codes][0] as ErrorCode;
  if ([...codes].every((c) => SCHEMA_CODES.has(c))) return 'PB_ERR_SCHEMA';
  return 'PB_ERR_VALIDATION';
}

/**
 * Sorted by file (in load order: the top file first), line, column, so reports read top to bottom.
 * `asInput`: the report is bad input even when its problems carry runtime codes (a script that
 * does not compile, found by `--check`): the error's code is then PB_ERR_VALIDATION (exit 2).
 */
export function throwProblems(file: string, problems: readonly ValidationProblem[], fileOrder: readonly string[] = [file], asInput = false): never {
  const rank = (f: string): number => {
    const i = fileOrder.indexOf(f);
    return i === -1 ? fileOrder.length : i;
  };
  const sorted = [...problems].sort(
    (a, b) =>
      rank(a.location.file) - rank(b.location.file) ||
      a.location.file.localeCompare(b.location.file) ||
      (a.location.line ?? 0) - (b.location.line ?? 0) ||
      (a.location.col ?? 0) - (b.location.col ?? 0),
  );
  const first = sorted[0] as ValidationProblem;
  const code = asInput && ERROR_CODES[codeFor(sorted)] !== 2 ? 'PB_ERR_VALIDATION' : codeFor(sorted);
  if (sorted.length === 1) {
    throw new InputError(code, first.message, { location: first.location, problems: sorted });
  }
  throw new InputError(code, `${sorted.length} problems (each listed below)`, {
    location: { file },
    problems: sorted,
  });
}
