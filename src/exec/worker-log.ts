/**
 * Logging from inside a worker: ctx.log and console.* become log records sent to the runner over
 * the worker's channel (the runner logs them with source `script:<file>`). stdout carries only the
 * CLI result, so scripts never write to it through console.
 */
import type { BroadcastChannel } from 'node:worker_threads';
import { format } from 'node:util';
import type { ScriptLog } from '../script-api.js';
import type { LogMessage } from './protocol.js';

export type ChildScriptLog = ScriptLog & { child(source: string): ChildScriptLog };

export class WorkerLog {
  private readonly channel: BroadcastChannel;
  /** Base name of the script whose call is running, for console output and stray errors. */
  current: string | undefined;
  /** Records posted so far; each task answer carries it so the runner can wait for the rest. */
  sent = 0;

  constructor(channel: BroadcastChannel) {
    this.channel = channel;
  }

  post(level: LogMessage['level'], msg: string, fields: Record<string, unknown> | undefined, script: string | undefined): void {
    const record: LogMessage = { pb: 'log', level, msg, fields, script };
    this.sent++;
    try {
      this.channel.postMessage(record);
    } catch {
      this.channel.postMessage({ ...record, fields: { unserializable: format(fields) } });
    }
  }

  /** ctx.log for one script. */
  forScript(script: string, source?: string): ChildScriptLog {
    const emit =
      (level: LogMessage['level']) =>
      (msg: string, fields?: Record<string, unknown>): void =>
        this.post(level, source ? `[${source}] ${msg}` : msg, fields, script);
    return {
      debug: emit('debug'),
      info: emit('info'),
      warn: emit('warn'),
      error: emit('error'),
      child: (s) => this.forScript(script, source ? `${source}:${s}` : s),
    };
  }

  /** console.* → the log, attributed to the running script. */
  captureConsole(): void {
    for (const [method, level] of [
      ['log', 'info'],
      ['info', 'info'],
      ['debug', 'debug'],
      ['warn', 'warn'],
      ['error', 'error'],
      ['trace', 'debug'],
    ] as const) {
      console[method] = (...args: unknown[]): void => this.post(level, format(...args), undefined, this.current);
    }
  }
}
