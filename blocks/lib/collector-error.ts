/**
 * Errors the collectors throw. Their `code` is one of procblock's error codes, so a failing
 * collector ends a CLI run with that code (and its exit status) instead of a bare
 * PB_ERR_SCRIPT_THROW: PB_ERR_UNSUPPORTED_PLATFORM off Linux (exit 1), PB_ERR_FILE_NOT_FOUND /
 * PB_ERR_FILE_UNREADABLE for a procfs file that cannot be read, PB_ERR_VALIDATION for a bad
 * parameter (exit 2).
 */
export type CollectorErrorCode = 'PB_ERR_UNSUPPORTED_PLATFORM' | 'PB_ERR_FILE_NOT_FOUND' | 'PB_ERR_FILE_UNREADABLE' | 'PB_ERR_VALIDATION';

export class CollectorError extends Error {
  readonly code: CollectorErrorCode;

  constructor(code: CollectorErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CollectorError';
    this.code = code;
  }
}
