/**
 * Writing to stdout/stderr when the reader has gone away (`procblock rrd dump f.rrd | head -1`).
 *
 * Node ignores SIGPIPE, so a write to a closed pipe fails with EPIPE, reported as an 'error'
 * event on the stream; unhandled, it crashes the process with a stack. Instead:
 * - stdout closed (EPIPE): further output is dropped and `onStdoutFailed` listeners are told, so
 *   the command ends quietly with exit 0 (what `head` asked for; see docs/cli.md). A long-running
 *   block stops gracefully: its only stdout output is the result, so no reader is left.
 * - any other stdout error (a full disk behind `> file`): the same, but the CLI reports it and
 *   exits 1.
 * - stderr closed: log lines are dropped from then on; the command carries on.
 */

export interface StdioGuard {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Called once when stdout fails (EPIPE or another error); returns an unsubscribe function. */
  onStdoutFailed(listener: (error: NodeJS.ErrnoException) => void): () => void;
  /** The stdout failure so far, if any. */
  readonly stdoutFailure: NodeJS.ErrnoException | undefined;
}

export function isClosedPipe(error: NodeJS.ErrnoException | undefined): boolean {
  return error?.code === 'EPIPE';
}

/** Streams are passed as getters: Node creates process.stdout on first access. */
export function guardStdio(out: () => NodeJS.WritableStream, err: () => NodeJS.WritableStream): StdioGuard {
  let stdoutFailure: NodeJS.ErrnoException | undefined;
  let stderrClosed = false;
  const listeners = new Set<(error: NodeJS.ErrnoException) => void>();
  let outWatched = false;
  let errWatched = false;

  const failStdout = (e: NodeJS.ErrnoException): void => {
    if (stdoutFailure) return;
    stdoutFailure = e;
    for (const l of [...listeners]) l(e);
  };
  // Listeners are added on first use: importing the CLI module has no effect on the process.
  const watchOut = (): void => {
    if (outWatched) return;
    outWatched = true;
    out().on('error', failStdout);
  };
  const watchErr = (): void => {
    if (errWatched) return;
    errWatched = true;
    err().on('error', () => (stderrClosed = true));
  };

  return {
    stdout(text) {
      watchOut();
      if (stdoutFailure) return;
      out().write(text);
    },
    stderr(text) {
      watchErr();
      if (stderrClosed) return;
      err().write(text);
    },
    onStdoutFailed(listener) {
      watchOut();
      if (stdoutFailure) {
        listener(stdoutFailure);
        return () => undefined;
      }
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    get stdoutFailure() {
      return stdoutFailure;
    },
  };
}
