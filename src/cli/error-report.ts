/** How the CLI reports an error on stderr, and the exit code it ends with (SPEC §1). */
import { formatError, isProcblockError } from '../core/errors.js';

export function errorReport(e: unknown, debug: boolean): { readonly exitCode: number; readonly text: string } {
  if (isProcblockError(e)) {
    // A script's stack is the user's own code: always shown. Ours only with --log-level debug.
    const showStack = e.code === 'PB_ERR_SCRIPT_THROW' || debug;
    return { exitCode: e.exitCode, text: formatError(e, { stack: showStack }) };
  }
  return { exitCode: 1, text: formatError(e, { stack: true }) };
}
