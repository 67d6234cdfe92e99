/**
 * Turning a worker's failure description into a ProcblockError. The script's own error is
 * rebuilt as the `cause`, with its original name, message and stack (paths and line numbers of
 * the .ts source: the TypeScript transform keeps lines). The class follows the code's exit
 * status (InputError for exit 2, RuntimeFailure for exit 1).
 */
import { ERROR_CODES, InputError, RuntimeFailure, type ProcblockError } from '../core/errors.js';
import type { TaskFailure } from './protocol.js';

export function failureToError(f: TaskFailure): ProcblockError {
  const cause = new Error(f.errorMessage);
  cause.name = f.errorName;
  cause.stack = f.stack ?? `${f.errorName}: ${f.errorMessage}`;
  const location = f.file === undefined ? undefined : { file: f.file, line: f.line, col: f.col };
  // A code's exit status decides the class: a script that reports bad input (exit 2) throws one.
  if (ERROR_CODES[f.code] === 2) return new InputError(f.code, f.message, { cause, location });
  return new RuntimeFailure(f.code, f.message, { cause, location });
}
