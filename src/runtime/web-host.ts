/**
 * The runtime's side of dropSTAR (SPEC §7): the narrow view of a running runtime that the web
 * server is built on, and the factory the runtime takes to make one. The runtime never imports
 * the web server (src/web depends on this file, not the reverse); the CLI, or a library user,
 * passes the factory (`lazyDropstar` from src/web/lazy-host.ts).
 */
import type { LoadedBlock } from '../config/types.js';
import type { Clock } from '../core/clock.js';
import type { LazyAbortController } from '../core/lazy-abort.js';
import type { Logger } from '../core/logger.js';
import type { ProcessResult, ResponseFields, WebHost, WebStartRequest } from '../engine/types.js';
import type { GraphOptions } from '../graph/options.js';
import type { MetricsRenderer } from '../metrics/handler.js';
import type { AlertSnapshot } from '../alerts/alert-manager.js';
import type { RrdInfo } from '../timeseries/rrd/types.js';
import type { LiveEvents } from './live-events.js';
import type { GraphEntry } from './run-thread-manager.js';

export type { GraphEntry } from './run-thread-manager.js';
export type { RrdInfo } from '../timeseries/rrd/types.js';
export type { LiveEvent, LiveEvents, TickEvent } from './live-events.js';

/** One web request, processed as a block run (SPEC §7 "A request is a block run"). */
export interface WebRunInput {
  readonly pipeData: Record<string, unknown>;
  /** Deeply frozen by the web server (the engine then takes it without a copy). */
  readonly inputData: Readonly<Record<string, unknown>>;
  /**
   * Deeply frozen by the web server (the engine then takes it without a copy). Not made for a
   * block of plain data (`isPlainData`), which reads none.
   */
  readonly requestState?: Readonly<Record<string, unknown>> | undefined;
  /** `requestState.response`, updated in place by scripts. */
  readonly response: ResponseFields;
  /** HTML-escape templates (pages). */
  readonly htmlTemplates: boolean;
  /** Script calls without their own `timeout` end after this many ms. */
  readonly scriptTimeoutMs: number;
  /**
   * Aborted when the request times out or its client goes away (ctx.signal in scripts); the
   * runtime's stop aborts it too. Lazy: its AbortSignal is made only if the run needs one.
   * Not given for a block of plain data (`isPlainData`), which cannot be cut short.
   */
  readonly abort?: LazyAbortController | undefined;
}

/** What the web server may use of a running runtime. */
export interface WebRuntime {
  readonly logger: Logger;
  readonly clock: Clock;
  /** Process `block` (a page or RPC mapping as a block of its own) for one request. */
  process(block: LoadedBlock, input: WebRunInput): Promise<ProcessResult>;
  /**
   * Whether processing `block` only copies its data (its top level is plain data): it then reads
   * no request state, waits for nothing and cannot be aborted midway, so a request for it needs
   * no timeout, no client-gone watch and no request state.
   */
  isPlainData(block: LoadedBlock): boolean;
  /** RunThread ticks and unidist changes, for `/events`. */
  readonly events: LiveEvents;
  /** The block's graphs that can be rendered on demand. */
  graphs(): readonly GraphEntry[];
  /** Render one graph now with `options`; undefined when its file has no data yet. */
  renderGraph(thread: string, name: string, options: GraphOptions): Promise<Buffer | undefined>;
  /**
   * The runtime's Prometheus metrics (SPEC §9), created on the first call and the same object
   * afterwards (the one `--metrics` serves): dropSTAR's `GET /metrics`.
   */
  metrics(): Promise<MetricsRenderer>;
  /** Every alert's current state (none before the first RunThread with alerts starts): `/events` sends them to a new stream first. */
  alerts(): readonly AlertSnapshot[];
  /** `rrd info` of the round-robin file behind one graph; undefined when the file does not exist yet. */
  graphInfo(thread: string, name: string): Promise<RrdInfo | undefined>;
}

/** A web host the runtime owns: started by the `dropstar:` tag, closed first when stopping. */
export interface RuntimeWebHost extends WebHost {
  /**
   * Hot reload (SPEC §8): serve this new version of the block's pages and RPC, switching
   * atomically behind the listening socket (requests in flight finish on the old version);
   * starts the server when none runs yet. Without it a reload starts the server again.
   */
  reload?(request: WebStartRequest): Promise<{ readonly url: string }>;
  /**
   * Stop accepting connections, end `/events` streams, let requests in flight finish within
   * `deadlineMs`, then close every connection. Idempotent (same promise).
   */
  close(deadlineMs: number): Promise<void>;
}

/** The web host a hot reload's processing sees: the `dropstar:` tag switches sites instead of starting a second server. */
export function replacingWebHost(web: RuntimeWebHost): WebHost {
  return { start: (request) => (web.reload ? web.reload(request) : web.start(request)) };
}

export type WebHostFactory = (runtime: WebRuntime) => RuntimeWebHost;
