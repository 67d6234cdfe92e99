/**
 * Checks of `alert:` and `timeseries derive` on run items (SPEC §9) that a schema cannot
 * express: expressions parse, durations are durations, `thread.field` names a RunThread of the
 * block (or a derive source), alerts and derived series sit on RunThreads, a procedure's run
 * list starts no RunThreads, windows stay bounded. Pure; returns problems with key paths.
 */
import { MAX_WINDOW_SAMPLES, seriesNeeds, type AlertExpression } from '../language/alert-expr/index.js';
import { resolveAlerts, type ConfigProblem } from './alert-config.js';
import { resolveDerive } from './derive-config.js';
import { isPlainObject } from './plain-object.js';
import { deriveValue, isRunThreadItem, runThreadId } from './run-thread-items.js';
import type { KeyPath } from './types.js';

export interface ContinuousCheck {
  readonly problems: ConfigProblem[];
  /** Run lists inside the item (alert procedures) to check like any run list. */
  readonly runLists: { readonly list: unknown; readonly path: KeyPath }[];
}

/** `threads`: every RunThread id of the block. */
export function checkContinuous(item: Readonly<Record<string, unknown>>, at: KeyPath, threads: ReadonlySet<string>): ContinuousCheck {
  const problems: ConfigProblem[] = [];
  const runLists: ContinuousCheck['runLists'] = [];
  const rawDerive = deriveValue(item);
  const deriveKey = item['timeseries derive'] !== undefined ? 'timeseries derive' : 'timeseries_derive';
  if (item.alert === undefined && rawDerive === undefined) return { problems, runLists };
  const bad = (p: KeyPath, message: string): void => void problems.push({ code: 'PB_ERR_VALIDATION', path: p, message });
  const thread = isRunThreadItem(item);
  const intervalS = intervalSeconds(item);
  const known = [...threads].sort().join(', ') || 'none';

  const checkRefs = (e: AlertExpression, p: KeyPath, what: string, aliases: readonly string[]): void => {
    for (const need of seriesNeeds(e.root)) {
      if (need.thread !== undefined && !threads.has(need.thread) && !aliases.includes(need.thread)) {
        const names = aliases.length > 0 ? `RunThreads: ${known}; sources: ${aliases.join(', ')}` : `RunThreads: ${known}`;
        bad(p, `${what} reads '${need.thread}.${need.fields[0] ?? '…'}', but this block has no RunThread${aliases.length ? ' or source' : ''} '${need.thread}' (${names})`);
      }
      if (need.thread === undefined && intervalS !== undefined && need.seconds / intervalS + 1 > MAX_WINDOW_SAMPLES) {
        bad(p, `${what} keeps ${Math.ceil(need.seconds / intervalS) + 1} samples (a ${need.seconds} s window at one sample every ${intervalS} s); at most ${MAX_WINDOW_SAMPLES}: shorten the window or derive a coarser series`);
      }
    }
  };

  if (item.alert !== undefined) {
    const p = [...at, 'alert'];
    if (!thread) bad(p, 'alert needs a RunThread (alerts are evaluated after each tick): add cache: <seconds> to this item');
    const { alerts, problems: ps } = resolveAlerts(item.alert, p);
    problems.push(...ps.filter((x) => !x.schema));
    for (const a of alerts) {
      checkRefs(a.when, [...a.path, 'when'], `alert '${a.name}'`, []);
      if (a.clear) checkRefs(a.clear, [...a.path, 'clear'], `alert '${a.name}'`, []);
      if (a.value) checkRefs(a.value, [...a.path, 'value'], `alert '${a.name}'`, []);
      a.run.forEach((step, i) => {
        if (isPlainObject(step) && (isRunThreadItem(step) || step.alert !== undefined || deriveValue(step) !== undefined)) {
          bad([...a.path, 'run', i], `the procedure of alert '${a.name}' cannot start RunThreads, alerts or derived series (it runs once per notification); remove cache/alert/timeseries derive here`);
        }
      });
      runLists.push({ list: a.run, path: [...a.path, 'run'] });
    }
  }

  if (rawDerive !== undefined) {
    const p = [...at, deriveKey];
    if (!thread) bad(p, 'timeseries derive computes a series on each tick: add cache: <seconds> to this item');
    if (item.script === undefined && item.shell === undefined && runThreadId(item) === undefined) {
      bad([...at, 'thread_id'], 'a timeseries derive item needs thread_id: <name> (it names the series, e.g. thread_id: totals)');
    }
    const { spec, problems: ps } = resolveDerive(rawDerive, p);
    problems.push(...ps.filter((x) => !x.schema));
    if (spec) {
      const aliases = spec.sources.map((s) => s.name);
      for (const s of aliases) if (threads.has(s)) bad([...p, 'sources', s], `source name '${s}' is also a RunThread of this block; give the source another name`);
      for (const f of spec.fields) checkRefs(f.expression, [...p, 'fields', f.name], `derived field '${f.name}'`, aliases);
    }
  }
  return { problems, runLists };
}

function intervalSeconds(item: Readonly<Record<string, unknown>>): number | undefined {
  const raw = item.cache === true ? item.interval : item.cache;
  const n = typeof raw === 'string' ? Number(raw) : raw;
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? n : undefined;
}
