/**
 * The runtime's event bus: what dropSTAR's `/events` (and `--metrics`' `/events`) stream, and
 * what a library user may watch. Narrow on purpose: `subscribe(listener)` returns the
 * unsubscribe function. Delivery is synchronous, in order, right after the tick or transition;
 * a listener must not block (buffer if you write to a socket). A listener that throws is logged
 * and stays subscribed; the others still get the event.
 */
import type { Logger } from '../core/logger.js';
import type { AlertEvent } from '../alerts/alert-manager.js';

export type { AlertEvent } from '../alerts/alert-manager.js';

/** After every RunThread tick (SPEC §7 "every RunThread tick (thread_id, its result fields)"). */
export interface TickEvent {
  readonly type: 'tick';
  /** Base name of the block file, when known. */
  readonly block: string | undefined;
  readonly thread: string;
  /** Epoch seconds of the tick's ideal time. */
  readonly time: number;
  readonly ok: boolean;
  /** The tick's result (top-level fields, derived fields included) when `ok`. */
  readonly fields?: Readonly<Record<string, unknown>> | undefined;
  /** The error message when not `ok`. */
  readonly error?: string | undefined;
}

export type RuntimeEvent = TickEvent | AlertEvent;
export type RuntimeEventListener = (event: RuntimeEvent) => void;

export interface RuntimeEvents {
  /** Receive every event from now on; call the returned function to stop. */
  subscribe(listener: RuntimeEventListener): () => void;
}

export class EventBus implements RuntimeEvents {
  private listeners: RuntimeEventListener[] = [];

  constructor(private readonly logger: Logger) {}

  subscribe(listener: RuntimeEventListener): () => void {
    this.listeners = [...this.listeners, listener];
    let subscribed = true;
    return () => {
      if (!subscribed) return;
      subscribed = false;
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }

  /** Whether anyone listens (producers skip building events nobody reads). */
  get active(): boolean {
    return this.listeners.length > 0;
  }

  emit(event: RuntimeEvent): void {
    for (const l of this.listeners) {
      try {
        l(event);
      } catch (e) {
        this.logger.error(`an event listener threw: ${(e as Error).message}`, { event: event.type });
      }
    }
  }
}
