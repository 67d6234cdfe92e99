/**
 * Feedback while a long-running block runs (issue 7, point 5), loaded only for long-running
 * blocks. On a terminal: one status line on stderr, redrawn in place every second; log lines
 * are written above it (the line is cleared, the log line written, the status redrawn). Not on
 * a terminal (a pipe, a log file, a daemon): a plain `status:` log line every minute. The
 * period is `--status-interval` (0 turns both off); `--quiet` turns both off.
 */
import type { Clock, TimerHandle } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import type { RuntimeSnapshot } from '../runtime/status-snapshot.js';
import { fitWidth, statusLineText } from './status-format.js';

export interface FeedbackOptions {
  /** Where text for stderr goes. */
  readonly stderr: (text: string) => void;
  /** Present when stderr is a terminal. */
  readonly tty: { columns(): number } | undefined;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly snapshot: () => RuntimeSnapshot;
  /** `--status-interval` in ms; undefined = 1 s on a terminal, 60 s otherwise; 0 = off. */
  readonly intervalMs: number | undefined;
  readonly quiet: boolean;
}

export interface Feedback {
  /** Write text to stderr without tearing the status line (use it for every stderr write). */
  readonly stderr: (text: string) => void;
  /** Stop updating and clear the status line. Idempotent. */
  close(): void;
}

const CLEAR_LINE = '\r\x1b[K';

export function startFeedback(o: FeedbackOptions): Feedback {
  const period = o.intervalMs ?? (o.tty ? 1000 : 60_000);
  if (o.quiet || period <= 0) return { stderr: o.stderr, close: () => undefined };
  return o.tty ? new StatusLine(o, o.tty, period) : new StatusLogLines(o, period);
}

/** Repeats `fn` every `ms` on the clock until closed; the timer never keeps the process alive. */
class Every {
  private timer: TimerHandle | undefined;
  private closed = false;
  constructor(
    private readonly clock: Clock,
    private readonly ms: number,
    private readonly fn: () => void,
  ) {
    this.arm();
  }
  private arm(): void {
    if (this.closed) return;
    this.timer = this.clock
      .setTimeout(() => {
        this.fn();
        this.arm();
      }, this.ms)
      .unref();
  }
  close(): void {
    this.closed = true;
    this.timer?.cancel();
  }
}

class StatusLine implements Feedback {
  private shown = '';
  private readonly every: Every;
  readonly stderr = (text: string): void => {
    this.o.stderr(`${this.shown ? CLEAR_LINE : ''}${text}${this.shown}`);
  };

  constructor(
    private readonly o: FeedbackOptions,
    private readonly tty: { columns(): number },
    period: number,
  ) {
    this.draw();
    this.every = new Every(o.clock, period, () => this.draw());
  }

  private draw(): void {
    const text = fitWidth(`procblock: ${statusLineText(this.o.snapshot(), this.o.clock.now())}`, this.tty.columns());
    this.o.stderr(`${CLEAR_LINE}${text}`);
    this.shown = text;
  }

  close(): void {
    this.every.close();
    if (this.shown) this.o.stderr(CLEAR_LINE);
    this.shown = '';
  }
}

class StatusLogLines implements Feedback {
  private readonly every: Every;
  readonly stderr: (text: string) => void;
  constructor(o: FeedbackOptions, period: number) {
    this.stderr = o.stderr;
    this.every = new Every(o.clock, period, () => o.logger.info(`status: ${statusLineText(o.snapshot(), o.clock.now())}`));
  }
  close(): void {
    this.every.close();
  }
}
