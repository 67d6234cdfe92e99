/**
 * The pure diff of hot reload (SPEC §8), in two parts:
 *
 * - `diffBlocks(old, next)`: two loaded versions of a block (their plans) → which RunThreads
 *   (by thread id as written) keep, change, appear or go, which scripts changed code, whether
 *   anything changed at all, and the changes that cannot be applied live (refusals).
 * - `decideThread(old, next)`: at apply time, one running RunThread and the definition the new
 *   version's processing asks for (placeholders filled, cwd known) → keep it, restart it (and
 *   whether its time-series collector can stay open), or refuse to touch it.
 *
 * Both are pure; the table tests are in test/reload/diff.test.ts.
 */
import path from 'node:path';
import type { SourceLocation } from '../core/errors.js';
import { deriveValue } from '../config/run-thread-items.js';
import type { ThreadDecision, ThreadFacts } from '../runtime/reload-thread-host.js';
import type { BlockPlan, PlannedThread } from './block-plan.js';
import { collectOf, rrdShape, shapeChange } from './rrd-shape.js';

export type ThreadChangeReason = 'item' | 'script' | 'collect' | 'input' | 'folder';

export interface Refusal {
  readonly reason: string;
  readonly location?: SourceLocation | undefined;
}

export interface BlockDiff {
  /** Nothing that processing reads changed (e.g. only comments, or a save without edits). */
  readonly unchanged: boolean;
  readonly kept: readonly string[];
  readonly changed: readonly { readonly id: string; readonly reasons: readonly ThreadChangeReason[] }[];
  readonly added: readonly string[];
  readonly removed: readonly string[];
  /** Scripts (absolute) that were loaded before with other code: workers must load them afresh. */
  readonly changedScripts: readonly string[];
  readonly refused: readonly Refusal[];
}

/**
 * `previousKeys`: the code key each script had when last loaded, over every earlier version
 * (default: the old plan's), so that a script that left the block and comes back edited is
 * still loaded afresh.
 */
export function diffBlocks(old: BlockPlan, next: BlockPlan, previousKeys?: ReadonlyMap<string, string>): BlockDiff {
  const before = previousKeys ?? new Map([...old.scripts].map(([s, g]) => [s, g.key] as const));
  const changedScripts = [...next.scripts.values()].filter((g) => before.has(g.script) && before.get(g.script) !== g.key).map((g) => g.script);
  const changedSet = new Set(changedScripts);
  const oldCode = new Map([...old.scripts].map(([s, g]) => [s, g.key] as const));
  const codeChanged = [...next.scripts].some(([s, g]) => oldCode.get(s) !== g.key) || old.scripts.size !== next.scripts.size;

  const kept: string[] = [];
  const changed: { id: string; reasons: ThreadChangeReason[] }[] = [];
  const added: string[] = [];
  for (const [id, items] of next.threads) {
    const was = old.threads.get(id);
    if (!was) {
      added.push(id);
      continue;
    }
    const reasons = threadReasons(was, items, changedSet);
    if (reasons.length === 0) kept.push(id);
    else changed.push({ id, reasons });
  }
  const removed = [...old.threads.keys()].filter((id) => !next.threads.has(id));

  return {
    unchanged: !codeChanged && old.meaning === next.meaning,
    kept,
    changed,
    added,
    removed,
    changedScripts,
    refused: refusals(old, next),
  };
}

function threadReasons(was: readonly PlannedThread[], now: readonly PlannedThread[], changedScripts: ReadonlySet<string>): ThreadChangeReason[] {
  const reasons = new Set<ThreadChangeReason>();
  if (was.length !== now.length) reasons.add('item');
  now.forEach((n, i) => {
    const w = was[i];
    if (!w) return;
    if (withoutCollect(w.item) !== withoutCollect(n.item)) reasons.add('item');
    if (JSON.stringify(collectOf(JSON.parse(w.item) as Record<string, unknown>)) !== JSON.stringify(collectOf(JSON.parse(n.item) as Record<string, unknown>))) {
      reasons.add('collect');
    }
    if (n.script !== undefined && changedScripts.has(n.script)) reasons.add('script');
  });
  return [...reasons];
}

function withoutCollect(itemText: string): string {
  const { 'timeseries collect': _a, timeseries_collect: _b, ...rest } = JSON.parse(itemText) as Record<string, unknown>;
  return JSON.stringify(rest);
}

function refusals(old: BlockPlan, next: BlockPlan): Refusal[] {
  const out: Refusal[] = [];
  if (old.runtimeUsage !== next.runtimeUsage) {
    out.push({
      reason:
        '`__usage` changed (longrunning, daemon, pidfile, logfile, cwd, args or options): the running process was started from the old one; restart procblock to apply it',
      location: { file: next.block.file },
    });
  }
  const [wa, wb] = [old.webAddress, next.webAddress];
  if (wa && wb && (wa.host !== wb.host || (wa.port !== wb.port && wb.port !== 0) || wa.auth !== wb.auth || wa.insecure !== wb.insecure)) {
    out.push({
      reason: "dropstar's host, port, auth (on or off) and insecure cannot change while the server listens; restart procblock to apply them",
      location: { ...next.block.locate(['dropstar']), keyPath: 'dropstar' },
    });
  }
  // Alerts and derived series are attached to a RunThread when it first starts (their windows,
  // states and metrics live in the runtime's tick observers for the process's life): a running
  // thread's cannot change live.
  for (const [id, items] of next.threads) {
    const was = old.threads.get(id);
    if (!was) continue;
    const changed = items.find((t, i) => was[i] !== undefined && observedText(was[i] as PlannedThread) !== observedText(t));
    if (changed) {
      out.push({
        reason: `the alert or timeseries derive of RunThread ${id} changed: they are attached when the thread first starts and cannot change while the process runs; restart procblock to apply them`,
        location: changed.location,
      });
    }
  }
  // A file declared in both versions must keep its shape: the file on disk has the old one.
  const oldShapes = new Map<string, { shape: NonNullable<PlannedThread['rrd']>; id: string }>();
  for (const [id, items] of old.threads) for (const t of items) if (t.rrd) oldShapes.set(t.rrd.path, { shape: t.rrd, id });
  const reported = new Set<string>();
  for (const items of next.threads.values()) {
    for (const t of items) {
      const was = t.rrd && oldShapes.get(t.rrd.path);
      if (!t.rrd || !was || reported.has(t.rrd.path)) continue;
      const what = shapeChange(was.shape, t.rrd);
      if (what === undefined) continue;
      reported.add(t.rrd.path);
      out.push({
        reason: `the ${what} of time-series file ${t.rrd.path} (RunThread ${t.id}) changed, and an existing file cannot change them; move the file away (or collect to a new path) and save again`,
        location: t.location,
      });
    }
  }
  return out;
}

/** What a thread's tick observers are built from (tick-observers.ts): `alert` and `timeseries derive`. */
function observedText(t: PlannedThread): string {
  const item = JSON.parse(t.item) as Record<string, unknown>;
  return JSON.stringify([item.alert ?? null, deriveValue(item) ?? null]);
}

/** Apply-time decision for one running RunThread (see the file comment). */
export function decideThread(old: ThreadFacts, next: ThreadFacts, changedScripts: ReadonlySet<string>): ThreadDecision {
  const reasons: ThreadChangeReason[] = [];
  const oldCollect = collectOf(old.item);
  const nextCollect = collectOf(next.item);
  const { 'timeseries collect': _a, timeseries_collect: _b, ...oldRest } = old.item;
  const { 'timeseries collect': _c, timeseries_collect: _d, ...nextRest } = next.item;
  if (!sameValue(oldRest, nextRest)) reasons.push('item');
  if (old.script !== next.script || (next.script !== undefined && changedScripts.has(next.script))) reasons.push('script');
  const sameCollect = sameValue(oldCollect, nextCollect);
  if (!sameCollect) reasons.push('collect');
  if (!sameValue(old.input, next.input)) reasons.push('input');
  if (old.baseDir !== next.baseDir) reasons.push('folder');
  if (reasons.length === 0) return { action: 'keep' };

  if (!sameCollect) {
    const a = rrdShape(oldCollect);
    const b = rrdShape(nextCollect);
    if (a && b && path.resolve(old.baseDir, a.path) === path.resolve(next.baseDir, b.path)) {
      const what = shapeChange(a, b);
      if (what !== undefined) {
        return {
          action: 'refuse',
          reason: `the ${what} of time-series file ${path.resolve(next.baseDir, b.path)} changed, and an existing file cannot change them; the RunThread keeps running as it was`,
        };
      }
    }
  }
  return { action: 'restart', reasons, keepCollector: sameCollect && old.baseDir === next.baseDir };
}

/** Deep equality of JSON-like values (key order of mappings counts: it is document order). */
function sameValue(a: unknown, b: unknown): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}
