/**
 * Turning a worker's failure description into a ProcblockError. The script's own error is
 * rebuilt as the `cause`, with its original name, message and stack (paths and line numbers of
 * the .ts source: the TypeScript transform keeps lines).
 */
import { InputError, RuntimeFailure, type ProcblockError } from '../core/errors.js';
import type { TaskFailure } from './protocol.js';

export function failureToError(f: TaskFailure): ProcblockError {
  const cause = new Error(f.errorMessage);
  cause.name = f.errorName;
  cause.stack = f.stack ?? `${f.errorName}: ${f.errorMessage}`;
  const location = f.file === undefined ? undefined : { file: f.file, line: f.line, col: f.col };
  if (f.code === 'PB_ERR_SCRIPT_NOT_FOUND') return new InputError(f.code, f.message, { cause, location });
  return new RuntimeFailure(f.code, f.message, { cause, location });
}
