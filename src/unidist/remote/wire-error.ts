import { ERROR_CODES, InputError, ProcblockError, RuntimeFailure, type ErrorCode } from '../../core/errors.js';
import type { WireError } from './protocol.js';

/** Errors cross the endpoint as `{ c: code, msg }` and come back as the same error class and code. */
export function toWire(e: unknown): WireError {
  if (e instanceof ProcblockError) return { c: e.code, msg: e.message };
  return { c: 'PB_ERR_UNIDIST', msg: e instanceof Error ? e.message : String(e) };
}

export function fromWire(w: WireError): ProcblockError {
  const code: ErrorCode = Object.hasOwn(ERROR_CODES, w.c) ? (w.c as ErrorCode) : 'PB_ERR_UNIDIST';
  return ERROR_CODES[code] === 2 ? new InputError(code, w.msg) : new RuntimeFailure(code, w.msg);
}
