/**
 * Ctrl-C and SIGTERM for a block run (SPEC §4, docs/cli.md): the first signal, at any moment of
 * the run, asks for a graceful stop (the command then exits 0); a second one exits 130 at once.
 *
 * A stop can be asked for before the runtime exists (while the block loads): whoever starts the
 * next phase checks `reason` first, and the runtime subscribes with `onRequest` once it exists.
 */
import type { Logger } from '../core/logger.js';

export type StopSignal = 'SIGINT' | 'SIGTERM';

export interface SignalSource {
  /** Register a handler for SIGINT/SIGTERM; returns a function that removes it. */
  onSignal(handler: (signal: StopSignal) => void): () => void;
  /** Leave at once (a second Ctrl-C). */
  exitNow(code: number): never;
  stderr(text: string): void;
}

export class StopRequest {
  private why: string | undefined;
  private signals = 0;
  private readonly listeners = new Set<(reason: string) => void>();
  private readonly removeHandler: () => void;

  constructor(
    private readonly source: SignalSource,
    private readonly logger: Logger,
    /** Signals that arrived before this object existed (kept by bin/procblock.js), oldest first. */
    earlySignals: readonly StopSignal[] = [],
  ) {
    this.removeHandler = source.onSignal((signal) => this.onSignal(signal));
    for (const s of earlySignals) this.onSignal(s);
  }

  /** Why a stop was asked for (`SIGINT`, `stdout closed`, …), or undefined. */
  get reason(): string | undefined {
    return this.why;
  }

  /** Ask for a graceful stop for a reason other than a signal. The first request wins. */
  request(reason: string): void {
    if (this.why !== undefined) return;
    this.why = reason;
    for (const l of [...this.listeners]) l(reason);
  }

  /** Call `listener` when a stop is asked for (at once if it already was). Returns an unsubscribe function. */
  onRequest(listener: (reason: string) => void): () => void {
    if (this.why !== undefined) {
      listener(this.why);
      return () => undefined;
    }
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Stop listening for signals (Node's default handling applies again). Idempotent. */
  dispose(): void {
    this.listeners.clear();
    this.removeHandler();
  }

  private onSignal(signal: StopSignal): void {
    if (++this.signals > 1) {
      this.source.stderr(`\n${signal} again: stopping now without waiting (exit 130)\n`);
      this.source.exitNow(130);
    }
    this.source.stderr('\n');
    this.logger.info(`${signal} received: stopping gracefully (press Ctrl-C again to force)`);
    this.request(signal);
  }
}
