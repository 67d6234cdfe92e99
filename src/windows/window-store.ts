/**
 * The windows of a runtime: one bounded `SampleWindow` per RunThread that an alert or a derived
 * series reads, sized by what the expressions ask for (docs/alerts.md, "samples"):
 * `last N` keeps N samples, a duration D keeps D / interval + 1 (a thread never ticks faster
 * than its interval), `last(f)` keeps one. Threads nobody reads get no window and cost nothing.
 * Needs may arrive before the thread starts (the block is scanned first) or after; a window grows.
 */
import type { Logger } from '../core/logger.js';
import { MAX_WINDOW_SAMPLES, type RateKind, type SeriesNeed } from '../language/alert-expr/index.js';
import { SampleWindow } from './sample-window.js';

interface Need {
  readonly fields: Set<string>;
  samples: number;
  seconds: number;
}

export class WindowStore {
  private readonly needs = new Map<string, Need>();
  private readonly windows = new Map<string, { window: SampleWindow; kindOf: (field: string) => RateKind }>();

  constructor(private readonly logger: Logger) {}

  /** Record that `thread`'s series is read as `need` says (grows an open window). */
  need(thread: string, need: Pick<SeriesNeed, 'fields' | 'samples' | 'seconds'>): void {
    let n = this.needs.get(thread);
    if (!n) this.needs.set(thread, (n = { fields: new Set(), samples: 0, seconds: 0 }));
    for (const f of need.fields) n.fields.add(f);
    n.samples = Math.max(n.samples, need.samples);
    n.seconds = Math.max(n.seconds, need.seconds);
    const open = this.windows.get(thread);
    if (open) this.fit(thread, open.window, n, open.kindOf);
  }

  /** Whether anything reads `thread`. */
  isRead(thread: string): boolean {
    return this.needs.has(thread);
  }

  /**
   * The window of a thread that starts ticking every `intervalMs`, created (or resized) for what
   * is read of it; undefined when nothing reads it. `kindOf` says how rate() reads each field.
   */
  open(thread: string, intervalMs: number, kindOf: (field: string) => RateKind): SampleWindow | undefined {
    const n = this.needs.get(thread);
    if (!n) return undefined;
    let entry = this.windows.get(thread);
    if (!entry) {
      entry = { window: new SampleWindow(1, intervalMs), kindOf };
      this.windows.set(thread, entry);
    }
    entry.window.intervalMs = intervalMs;
    this.fit(thread, entry.window, n, kindOf);
    return entry.window;
  }

  get(thread: string): SampleWindow | undefined {
    return this.windows.get(thread)?.window;
  }

  private fit(thread: string, w: SampleWindow, n: Need, kindOf: (field: string) => RateKind): void {
    for (const f of n.fields) w.addField(f, kindOf(f));
    const bySeconds = n.seconds > 0 ? Math.ceil((n.seconds * 1000) / w.intervalMs) + 1 : 0;
    let want = Math.max(1, n.samples, bySeconds);
    if (want > MAX_WINDOW_SAMPLES) {
      this.logger.warn(
        `the windows over RunThread ${thread} would keep ${want} samples (${n.seconds} s at one sample every ${w.intervalMs / 1000} s); kept to ${MAX_WINDOW_SAMPLES}: longer durations see only those`,
      );
      want = MAX_WINDOW_SAMPLES;
    }
    w.grow(want);
  }
}
