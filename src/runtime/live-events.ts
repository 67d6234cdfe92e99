/**
 * What happens inside a running block, as events for live pages (SPEC §7 `/events`): RunThread
 * ticks with their result fields, unidist counter/state/queue changes, alert transitions, hot
 * reloads. The runtime emits; the web side subscribes. Listeners run synchronously in emit order;
 * one that throws is logged and does not stop the others.
 *
 * With a shared back end (Redis), unidist changes come from its changes feed — every process's
 * changes, this one's included, in the order the back end applied them — which the bus
 * subscribes to while it has listeners. `ready()` says when that subscription is live.
 */
import type { Logger } from '../core/logger.js';
import type { UnidistChange, UnidistChangeFeed } from '../unidist/types.js';
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

/** Alert transitions and repeats (SPEC §9, docs/alerts.md) come on the same bus. */
export type LiveEvent = TickEvent | UnidistChange | AlertEvent | ReloadEvent;

export type LiveEventListener = (event: LiveEvent) => void;

export interface LiveEvents {
  /** Returns a function that removes the listener. */
  subscribe(listener: LiveEventListener): () => void;
  /**
   * Resolves once every change made from now on reaches the listeners subscribed now: at once,
   * or, with a shared back end, when its changes feed is subscribed (a page that then reads the
   * current data misses nothing). Never rejects: a feed that cannot subscribe is logged, and
   * tried again at the next call.
   */
  ready?(): Promise<void>;
}

export class LiveEventBus implements LiveEvents {
  private readonly listeners = new Set<LiveEventListener>();
  /** Subscribing to and leaving the feed, one step after the other. */
  private feedSteps: Promise<void> = Promise.resolve();
  private feedReady: Promise<void> | undefined;
  private leaveFeed: (() => Promise<void>) | undefined;

  constructor(
    private readonly logger: Logger,
    private readonly feed?: UnidistChangeFeed | undefined,
  ) {}

  get listening(): boolean {
    return this.listeners.size > 0;
  }

  subscribe(listener: LiveEventListener): () => void {
    this.listeners.add(listener);
    if (this.listeners.size === 1) this.joinFeed();
    return () => {
      if (!this.listeners.delete(listener) || this.listeners.size > 0 || !this.feed) return;
      this.feedReady = undefined;
      void this.step(async () => {
        if (this.listeners.size > 0) return;
        const leave = this.leaveFeed;
        this.leaveFeed = undefined;
        await leave?.();
      });
    };
  }

  ready(): Promise<void> {
    if (this.feed && this.listeners.size > 0 && !this.feedReady) this.joinFeed();
    return this.feedReady ?? Promise.resolve();
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

  private joinFeed(): void {
    const feed = this.feed;
    if (!feed) return;
    const ready = this.step(async () => {
      if (this.listeners.size === 0 || this.leaveFeed) return;
      try {
        this.leaveFeed = await feed.subscribe((change) => this.emit(change));
      } catch (e) {
        this.logger.warn(`live pages miss unidist changes: cannot subscribe to the shared back end's changes (${(e as Error).message}); trying again with the next page`);
        if (this.feedReady === ready) this.feedReady = undefined;
      }
    });
    this.feedReady = ready;
  }

  private step(work: () => Promise<void>): Promise<void> {
    const p = this.feedSteps.then(work);
    this.feedSteps = p.catch(() => undefined);
    return this.feedSteps;
  }
}
