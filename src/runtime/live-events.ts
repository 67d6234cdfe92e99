/**
 * What happens inside a running block, as events for live pages (SPEC §7 `/events`): RunThread
 * ticks with their result fields, unidist counter/state/queue changes, alert transitions. The runtime emits; the
 * web side subscribes. Listeners run synchronously in emit order; one that throws is logged and
 * does not stop the others.
 */
import type { Logger } from '../core/logger.js';
import type { UnidistChange } from '../unidist/observe.js';
import type { AlertEvent } from '../alerts/alert-manager.js';

export interface TickEvent {
  readonly kind: 'tick';
  /** The RunThread id (`thread_id`). */
  readonly thread: string;
  /** The tick's slot time, epoch ms (the time its sample is filed at). */
  readonly time: number;
  /** The tick's result: the script's returned object over the pipe-data keys it set. */
  readonly fields: Readonly<Record<string, unknown>>;
  /** Names of the graphs (`/graph/<name>.png`) of this thread's time series: they have a new sample. */
  readonly graphs: readonly string[];
}

/** Alert transitions and repeats (SPEC §9, docs/alerts.md) come on the same bus. */
export type LiveEvent = TickEvent | UnidistChange | AlertEvent;

export type LiveEventListener = (event: LiveEvent) => void;

export interface LiveEvents {
  /** Returns a function that removes the listener. */
  subscribe(listener: LiveEventListener): () => void;
}

export class LiveEventBus implements LiveEvents {
  private readonly listeners = new Set<LiveEventListener>();

  constructor(private readonly logger: Logger) {}

  get listening(): boolean {
    return this.listeners.size > 0;
  }

  subscribe(listener: LiveEventListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  emit(event: LiveEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (e) {
        this.logger.error(`live event listener failed: ${(e as Error).message}`, { event: event.kind });
      }
    }
  }
}
