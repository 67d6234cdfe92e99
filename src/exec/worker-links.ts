/**
 * The runner's side of each worker thread: a BroadcastChannel `procblock:<runnerId>:<threadId>`
 * (opened on piscina's `workerCreate`, before the worker gets a task; unref'd so an idle runner
 * never keeps the process alive) that carries the worker's unidist calls (served here), its log
 * records (to the runtime log, source `script:<file>`), abort requests, pings and the answers of
 * calls that outlived their batch's first turn (to `onAnswer`); and what the worker keeps
 * (kept-value.ts).
 */
import { BroadcastChannel } from 'node:worker_threads';
import type { Clock, TimerHandle } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import type { Unidist } from '../unidist/types.js';
import { isChannelMessage, workerChannelName, type AbortMessage, type PingMessage, type WorkerAnswer } from './protocol.js';
import { serveWorkerUnidist } from './unidist-host.js';
import { decodeAnswer } from './wire.js';

export interface WorkerLink {
  readonly channel: BroadcastChannel;
  readonly detach: () => void;
  /** Log records received from this worker, and the most its answers said were sent. */
  logsReceived: number;
  logsSent: number;
  onLog: (() => void) | undefined;
  /** Content keys of the values this worker keeps (it was sent them). */
  readonly kept: Set<string>;
  /** Called when the worker answers the ping of that number. */
  readonly pongs: Map<number, () => void>;
}

export class WorkerLinks {
  private readonly links = new Map<number, WorkerLink>();
  private readonly scriptLoggers = new Map<string, Logger>();
  private pingSeq = 0;

  constructor(
    private readonly runnerId: string,
    private readonly unidist: Unidist,
    private readonly logger: Logger,
    private readonly clock: Clock,
    private readonly onAnswer: (callId: number, answer: WorkerAnswer) => void,
  ) {}

  has(threadId: number): boolean {
    return this.links.has(threadId);
  }

  get(threadId: number): WorkerLink | undefined {
    return this.links.get(threadId);
  }

  /** An answer from `threadId` said it had posted `logSeq` log records so far. */
  noteLogsSent(threadId: number, logSeq: number): void {
    const link = this.links.get(threadId);
    if (link) link.logsSent = Math.max(link.logsSent, logSeq);
  }

  abort(threadId: number, msg: AbortMessage): void {
    this.links.get(threadId)?.channel.postMessage(msg);
  }

  /** Ask worker `threadId` to answer; `answered` runs when it does (never if it is blocked or gone). */
  ping(threadId: number, answered: () => void): void {
    const link = this.links.get(threadId);
    if (!link) return;
    const seq = ++this.pingSeq;
    link.pongs.set(seq, answered);
    const msg: PingMessage = { pb: 'ping', seq };
    link.channel.postMessage(msg);
  }

  attach(threadId: number): void {
    const channel = new BroadcastChannel(workerChannelName(this.runnerId, threadId));
    (channel as unknown as { unref(): void }).unref();
    channel.addEventListener('message', (ev) => {
      const data: unknown = (ev as MessageEvent).data;
      if (!isChannelMessage(data)) return;
      if (data.pb === 'answer') {
        this.onAnswer(data.callId, decodeAnswer(data.answer));
      } else if (data.pb === 'log') {
        this.scriptLogger(data.script)[data.level](data.msg, data.fields);
        link.logsReceived++;
        link.onLog?.();
      } else if (data.pb === 'pong') {
        const answered = link.pongs.get(data.seq);
        link.pongs.delete(data.seq);
        answered?.();
      }
    });
    const detach = serveWorkerUnidist(this.unidist, channel, `worker:${threadId}`);
    const link: WorkerLink = { channel, detach, logsReceived: 0, logsSent: 0, onLog: undefined, kept: new Set(), pongs: new Map() };
    this.links.set(threadId, link);
  }

  detach(threadId: number): void {
    const link = this.links.get(threadId);
    if (!link) return;
    this.links.delete(threadId);
    try {
      link.detach();
    } finally {
      link.channel.close();
    }
  }

  detachAll(): void {
    for (const id of [...this.links.keys()]) this.detach(id);
  }

  /**
   * Wait (up to `ms`) until every log record the workers' answers announced has arrived: the
   * channel and piscina's port are not ordered, and a script's last lines must not be lost.
   */
  async awaitLogs(ms: number): Promise<void> {
    const behind = [...this.links.values()].filter((l) => l.logsReceived < l.logsSent);
    if (behind.length === 0) return;
    let timer: TimerHandle | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = this.clock.setTimeout(resolve, ms).unref();
    });
    const caughtUp = behind.map(
      (link) =>
        new Promise<void>((resolve) => {
          link.onLog = () => {
            if (link.logsReceived >= link.logsSent) resolve();
          };
        }),
    );
    await Promise.race([Promise.all(caughtUp), timeout]);
    timer?.cancel();
    for (const link of behind) link.onLog = undefined;
  }

  private scriptLogger(script: string | undefined): Logger {
    const source = script === undefined ? 'script' : `script:${script}`;
    let logger = this.scriptLoggers.get(source);
    if (!logger) {
      logger = this.logger.child(source);
      this.scriptLoggers.set(source, logger);
    }
    return logger;
  }
}
