/**
 * What happens inside a running block, as events for live pages (SPEC §7 `/events`): RunThread
 * ticks with their result fields, unidist counter/state/queue changes, hot reloads. The runtime emits; the
 * web side subscribes. Listeners run synchronously in emit order; one that throws is logged and
 * does not stop the others.
 */
import type { Logger } from '../core/logger.js';
import type { UnidistChange } from '../unidist/observe.js';

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

/** A hot reload happened (SPEC §8): the fields of its log line (reload/reload-line.ts). */
export interface ReloadEvent {
  readonly kind: 'reload';
  /** The reload's number in this process (1, 2, …). */
  readonly reload: number;
  /** `applied`, `unchanged`, `rejected`, `refused` or `failed`. */
  readonly outcome: string;
  /** What set it off (`changed: cpu.ts`, `SIGHUP`). */
  readonly trigger: string;
  readonly restarted?: readonly string[];
  readonly started?: readonly string[];
  readonly stopped?: readonly string[];
  readonly kept?: readonly string[];
  readonly refused?: readonly string[];
  /** The error code of a rejected, refused or failed reload. */
  readonly code?: string;
}

export type LiveEvent = TickEvent | UnidistChange | ReloadEvent;

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
