/**
 * The one log line each reload writes (SPEC §8): what was restarted (and why), started, stopped
 * and kept, or why the new version was refused, rejected or failed. Pure: the controller logs it
 * with `fields` (machine-readable: tests and log shippers read those, not the prose).
 */
import { formatError, formatLocation, isProcblockError } from '../core/errors.js';
import type { SwapReport } from '../runtime/live-block.js';
import type { ReloadEvent } from '../runtime/live-events.js';
import type { BlockDiff } from './diff.js';

/** `superseded`: files changed while the version loaded; it was dropped (no line is logged). */
export type ReloadOutcome = 'applied' | 'unchanged' | 'rejected' | 'refused' | 'failed' | 'superseded';

/** A reload line's machine-readable fields: also the `reload` event of `/events`. */
export type ReloadFields = Omit<ReloadEvent, 'kind'>;

export interface ReloadLine {
  readonly level: 'info' | 'warn' | 'error';
  readonly msg: string;
  readonly fields: ReloadFields;
}

const REASON_WORDS: Readonly<Record<string, string>> = {
  item: 'item changed',
  script: 'script changed',
  collect: 'timeseries collect changed',
  input: 'its pipe data changed',
  folder: 'its folder changed',
};

export function appliedLine(seq: number, trigger: string, report: SwapReport, diff: BlockDiff): ReloadLine {
  const parts: string[] = [];
  const list = (label: string, ids: readonly string[]): void => {
    if (ids.length > 0) parts.push(`${label} ${ids.join(', ')}`);
  };
  list(
    'restarted',
    report.restarted.map((r) => `${r.id} (${r.reasons.map((x) => REASON_WORDS[x] ?? x).join(', ')})`),
  );
  list('started', report.started);
  list('stopped', report.stopped);
  list('kept', report.kept);
  for (const r of report.refused) parts.push(`left ${r.id} running as it was: ${r.reason}`);
  if (report.listsEnded > 0) parts.push(`restarted ${report.listsEnded} run simultaneous list(s)`);
  if (diff.changedScripts.length > 0) parts.push(`${diff.changedScripts.length} script(s) load afresh`);
  const fields = {
    reload: seq,
    outcome: report.error === undefined ? 'applied' : 'failed',
    trigger,
    restarted: report.restarted.map((r) => r.id),
    started: report.started,
    stopped: report.stopped,
    kept: report.kept,
    refused: report.refused.map((r) => r.id),
  };
  if (report.error !== undefined) {
    const code = isProcblockError(report.error) ? report.error.code : 'PB_ERR_RUNTIME';
    if (code === 'PB_ERR_ABORTED' || code === 'PB_ERR_CLOSED') {
      // Ctrl-C (or SIGTERM) while the new version was being processed: not a failure of it.
      return { level: 'info', msg: `reload ${seq} cut short: the runtime is stopping`, fields: { ...fields, outcome: 'failed', code } };
    }
    return {
      level: 'error',
      msg: `reload ${seq} failed while processing the new version: ${oneLine(report.error)}${parts.length ? `; done before the failure: ${parts.join('; ')}` : ''}; threads it did not reach keep running`,
      fields: { ...fields, code },
    };
  }
  return { level: report.refused.length > 0 ? 'warn' : 'info', msg: `reload ${seq} applied (${trigger}): ${parts.join('; ') || 'no RunThreads'}`, fields };
}

export function unchangedLine(seq: number, trigger: string): ReloadLine {
  return { level: 'info', msg: `reload ${seq} (${trigger}): nothing changed that the block reads; nothing to do`, fields: { reload: seq, outcome: 'unchanged', trigger } };
}

export function rejectedLine(seq: number, trigger: string, error: unknown): ReloadLine {
  const code = isProcblockError(error) ? error.code : 'PB_ERR_RUNTIME';
  return {
    level: 'error',
    msg: `reload ${seq} rejected (${trigger}): the new version is not valid; the running version carries on\n${formatError(error)}`,
    fields: { reload: seq, outcome: 'rejected', trigger, code },
  };
}

export function refusedLine(seq: number, trigger: string, diff: BlockDiff): ReloadLine {
  const reasons = diff.refused.map((r) => `${r.location ? `${formatLocation(r.location)}: ` : ''}${r.reason}`);
  return {
    level: 'warn',
    msg: `reload ${seq} refused (${trigger}): ${reasons.join('; ')}; the running version carries on`,
    fields: { reload: seq, outcome: 'refused', trigger, code: 'PB_ERR_RELOAD_REFUSED' },
  };
}

function oneLine(e: unknown): string {
  return formatError(e).split('\n').join(' ');
}
