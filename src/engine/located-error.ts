/**
 * Every engine error names where it happened: the file and line of the key (via
 * `LoadedBlock.locate`) and its key path.
 */
import type { KeyPath, LoadedBlock } from '../config/types.js';
import {
  InputError,
  ProcblockError,
  RuntimeFailure,
  formatKeyPath,
  formatLocation,
  type ErrorCode,
  type SourceLocation,
} from '../core/errors.js';

/** The location of `path` in `block`, always carrying the key path. */
export function locate(block: LoadedBlock, path: KeyPath): SourceLocation {
  const loc = block.locate(path);
  const keyPath = formatKeyPath(path);
  return loc.keyPath === keyPath ? loc : { ...loc, keyPath };
}

export function runtimeFailure(block: LoadedBlock, path: KeyPath, code: ErrorCode, message: string, cause?: unknown): RuntimeFailure {
  return new RuntimeFailure(code, message, { location: locate(block, path), cause });
}

/** Bad block content met while processing (the loader's checks usually catch it first). */
export function invalidBlock(block: LoadedBlock, path: KeyPath, message: string): InputError {
  return new InputError('PB_ERR_VALIDATION', message, { location: locate(block, path) });
}

/**
 * Give an error the location of `path` unless it already names a key path (an inner key
 * located it first); a location it had without a key path (a line inside a script) moves into
 * the message. ProcblockErrors keep their class and code; anything else becomes a
 * RuntimeFailure PB_ERR_RUNTIME with the original as `cause`.
 */
export function withLocation(err: unknown, block: LoadedBlock, path: KeyPath): ProcblockError {
  if (err instanceof ProcblockError) {
    if (err.location?.keyPath !== undefined) return err;
    const options = { cause: err.cause ?? err, location: locate(block, path), problems: err.problems };
    // The runner may have located the failure inside the script (a syntax error's line): keep it in the message.
    const message = err.location ? `${err.message} (${formatLocation(err.location)})` : err.message;
    const located = err instanceof InputError ? new InputError(err.code, message, options) : new RuntimeFailure(err.code, message, options);
    if (err.stack) located.stack = err.stack;
    return located;
  }
  const message = err instanceof Error ? err.message : String(err);
  return new RuntimeFailure('PB_ERR_RUNTIME', message, { location: locate(block, path), cause: err });
}
