/**
 * `procblock --check block.yaml` (SPEC §1, §2.6): load and validate the block, then go as far as
 * a run would before calling anything: every referenced script is transformed and imported in a
 * worker (src/exec/check-scripts.ts), every `timeseries collect` is checked with the collector's
 * own rules. Every problem is reported at once (exit 2); warnings (src/config/order-warnings.ts)
 * go to stderr and do not fail the check. Loaded only for `--check`.
 */
import path from 'node:path';
import { InputError, formatKeyPath, formatLocation, isProcblockError } from '../core/errors.js';
import { checkBlock, loadBlock } from '../config/index.js';
import { throwProblems, type ValidationProblem } from '../config/problems.js';
import { orderWarnings } from '../config/order-warnings.js';
import { runItems, type RunItemRef } from '../config/run-items.js';
import type { LoadedBlock } from '../config/types.js';
import { checkScripts, type LoadVerdict } from '../exec/check-scripts.js';

export interface CheckIo {
  stdout(text: string): void;
  stderr(text: string): void;
}

export interface CheckOptions {
  /** Per-script load limit in ms (from --script-timeout; default 30 s). */
  readonly scriptTimeoutMs?: number | undefined;
  readonly quiet?: boolean | undefined;
}

/** Problems that stop the block from being read at all: nothing further can be checked. */
const FATAL = new Set(['PB_ERR_YAML_SYNTAX', 'PB_ERR_FILE_NOT_FOUND', 'PB_ERR_FILE_UNREADABLE', 'PB_ERR_INCLUDE_CYCLE', 'PB_ERR_INCLUDE_NOT_FOUND']);
const SCRIPT_EXTENSIONS = new Set(['.ts', '.mts', '.js', '.mjs']);
const COLLECT_KEYS = ['timeseries collect', 'timeseries_collect'];

export async function checkCommand(file: string, io: CheckIo, options: CheckOptions = {}): Promise<number> {
  const problems: ValidationProblem[] = [];
  let block: LoadedBlock;
  try {
    block = await checkBlock(file);
  } catch (e) {
    if (!(e instanceof InputError) || FATAL.has(e.code) || e.problems.length === 0) throw e;
    for (const p of e.problems) problems.push({ code: p.code ?? e.code, message: p.message, location: p.location ?? { file } });
    block = await loadBlock(file, { validate: false });
  }
  const items = runItems(block.data, block.tags);
  problems.push(...(await scriptProblems(block, items, problems, options.scriptTimeoutMs)));
  problems.push(...(await collectProblems(block, items, problems)));
  if (problems.length > 0) throwProblems(block.file, problems, block.files, true);
  if (!options.quiet) {
    for (const w of orderWarnings(block)) io.stderr(`warning: ${formatLocation(w.location)}: ${w.message}\n`);
  }
  io.stdout('ok\n');
  return 0;
}

/** Load every script that exists (missing ones are already reported) once, in a worker. */
async function scriptProblems(block: LoadedBlock, items: readonly RunItemRef[], known: readonly ValidationProblem[], timeoutMs: number | undefined): Promise<ValidationProblem[]> {
  const refs = new Map<string, ValidationProblem['location']>();
  for (const { item, path: at } of items) {
    const script = item['script'];
    if (typeof script !== 'string' || script === '') continue;
    const location = block.locate([...at, 'script']);
    const abs = path.resolve(path.dirname(location.file), script);
    if (!refs.has(abs)) refs.set(abs, location);
  }
  for (const tag of block.tags) if (!refs.has(tag.script)) refs.set(tag.script, tag.location ?? { file: tag.script });
  const reported = new Set(known.map((p) => formatLocation(p.location)));
  const loadable = [...refs].filter(([s, loc]) => SCRIPT_EXTENSIONS.has(path.extname(s)) && !reported.has(formatLocation(loc)));
  if (loadable.length === 0) return [];
  const verdicts = await checkScripts(
    loadable.map(([s]) => s),
    { timeoutMs },
  );
  const out: ValidationProblem[] = [];
  for (const [script, at] of loadable) {
    const v = verdicts.get(script);
    if (v === undefined || v.ok) continue;
    out.push(problemFor(v, at));
  }
  return out;
}

function problemFor(v: Extract<LoadVerdict, { ok: false }>, at: ValidationProblem['location']): ValidationProblem {
  const ref = `${formatLocation(at)}`;
  if (v.line !== undefined && v.file !== undefined) {
    // Point at the line inside the script; name the block's reference too.
    const where = `${v.file}:${v.line}${v.col === undefined ? '' : `:${v.col}`}`;
    const message = v.message.replace(` in ${where}`, '');
    return { code: v.code, message: `${message} (script referenced at ${ref})`, location: { file: v.file, line: v.line, col: v.col } };
  }
  return { code: v.code, message: v.message, location: at };
}

/** The collector's own checks for each `timeseries collect` not already reported by validation. */
async function collectProblems(block: LoadedBlock, items: readonly RunItemRef[], known: readonly ValidationProblem[]): Promise<ValidationProblem[]> {
  const found: { raw: unknown; at: (string | number)[] }[] = [];
  for (const { item, path: at } of items) {
    for (const k of COLLECT_KEYS) if (item[k] !== undefined) found.push({ raw: item[k], at: [...at, k] });
  }
  if (found.length === 0) return [];
  const { parseCollectConfig } = await import('../timeseries/collect-config.js');
  const out: ValidationProblem[] = [];
  for (const { raw, at } of found) {
    const keyPath = formatKeyPath(at);
    if (known.some((p) => p.location.keyPath?.startsWith(keyPath))) continue;
    // Options filled from pipe data when the item starts (a reusable block's parameters) are
    // checked then, with their values.
    if (hasPlaceholder(raw)) continue;
    const loc = block.locate(at);
    try {
      parseCollectConfig(raw, { file: loc.file, line: loc.line, col: loc.col, keyPath });
    } catch (e) {
      if (!isProcblockError(e) || !(e instanceof InputError)) throw e;
      out.push({ code: e.code, message: e.message, location: e.location ?? loc });
    }
  }
  return out;
}

/** A `%(name)s` placeholder other than a `key:` collect's `%(key)s` anywhere in `value`. */
function hasPlaceholder(value: unknown): boolean {
  if (typeof value === 'string') return /%\([^()]+\)[sdifr]/.test(value.split('%(key)s').join(''));
  if (Array.isArray(value)) return value.some(hasPlaceholder);
  if (value !== null && typeof value === 'object') return Object.values(value).some(hasPlaceholder);
  return false;
}
