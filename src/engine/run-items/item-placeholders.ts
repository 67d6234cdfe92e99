/**
 * `%(name)s` placeholders in a script or shell item's options, filled from pipe data when the item
 * starts: `cache`, `interval`, `thread_id`, `timeout` and every string inside
 * `timeseries collect` (paths, intervals, heartbeats, graph titles, periods...). This is how a
 * reusable block (blocks/, imported with `__import__`) takes parameters from the block that
 * imports it:
 *
 *   run:
 *     - script: cpu.ts
 *       cache: "%(interval)s"
 *       timeseries collect: {path: "%(datadir)s/cpu.rrd", interval: "%(interval)s", ...}
 *
 * Rules (docs/engine.md): the placeholder syntax and conversions are the `template` tag's
 * (template-fill.ts); `%(key)s` inside `timeseries collect` stays as written (it names the entry
 * of a `key:` collect, filled per file by the collector); the script path and shell commands are
 * never filled. A placeholder whose name is not in pipe data is an error (PB_ERR_VALIDATION at
 * the option's key path) — unlike a page template, a blank interval or path is never what was
 * meant.
 */
import type { KeyPath } from '../../config/types.js';
import { invalidBlock } from '../located-error.js';
import { isPlainObject } from '../pipe-path.js';
import { fillTemplate } from '../template-fill.js';
import type { PipeData } from '../types.js';
import type { RunListState } from './run-list-state.js';

const FILLED_OPTIONS = ['cache', 'interval', 'thread_id', 'timeout'] as const;
const COLLECT_OPTIONS = ['timeseries collect', 'timeseries_collect'] as const;
/** The per-entry placeholder of a `key:` collect: left for the collector. */
const ENTRY_PLACEHOLDER = '%(key)s';
const ENTRY_GUARD = '\u0000key\u0000';

/**
 * The item with its option placeholders filled, or the item itself when it has none (the
 * common case allocates nothing).
 */
export function fillItemPlaceholders(
  item: Readonly<Record<string, unknown>>,
  itemPath: KeyPath,
  state: Pick<RunListState, 'ctx' | 'pipeData'>,
): Readonly<Record<string, unknown>> {
  let out: Record<string, unknown> | undefined;
  const put = (key: string, value: unknown): void => {
    if (value === item[key]) return;
    out ??= { ...item };
    out[key] = value;
  };
  for (const key of FILLED_OPTIONS) {
    const v = item[key];
    if (typeof v === 'string') put(key, fillString(v, [...itemPath, key], state, false));
  }
  for (const key of COLLECT_OPTIONS) {
    if (item[key] !== undefined) put(key, fillDeep(item[key], [...itemPath, key], state));
  }
  return out ?? item;
}

function fillDeep(value: unknown, path: KeyPath, state: Pick<RunListState, 'ctx' | 'pipeData'>): unknown {
  if (typeof value === 'string') return fillString(value, path, state, true);
  if (Array.isArray(value)) {
    const items = value.map((v, i) => fillDeep(v, [...path, i], state));
    return items.every((v, i) => v === value[i]) ? value : items;
  }
  if (isPlainObject(value)) {
    let out: Record<string, unknown> | undefined;
    for (const [k, v] of Object.entries(value)) {
      const filled = fillDeep(v, [...path, k], state);
      if (filled !== v) {
        out ??= { ...value };
        out[k] = filled;
      }
    }
    return out ?? value;
  }
  return value;
}

function fillString(text: string, path: KeyPath, state: Pick<RunListState, 'ctx' | 'pipeData'>, keepEntry: boolean): string {
  if (!text.includes('%')) return text;
  const guarded = keepEntry ? text.split(ENTRY_PLACEHOLDER).join(ENTRY_GUARD) : text;
  const { text: filled, missing } = fillTemplate(guarded, state.pipeData as PipeData);
  if (missing.length > 0) {
    const names = missing.map((m) => `"${m}"`).join(', ');
    throw invalidBlock(
      state.ctx.block,
      path,
      `placeholder(s) ${missing.map((m) => `%(${m})s`).join(', ')} in ${JSON.stringify(text)}: pipe data has no ${names} when this item starts ` +
        `(set it earlier, e.g. \`set ${missing[0]}: …\`, or pass it as a block option)`,
    );
  }
  return keepEntry ? filled.split(ENTRY_GUARD).join(ENTRY_PLACEHOLDER) : filled;
}
