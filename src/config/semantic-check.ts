/**
 * Checks a schema cannot express (SPEC §2.6): every `if`/`elif` condition parses, `elif`/`else`
 * follow an `if`, referenced scripts exist (resolved against the file holding the reference),
 * `cache: true` comes with an `interval`, a shell RunThread has a `thread_id`; the same inside
 * `dropstar` pages and RPC entries. Walks the tree the way the engine will (`classifyKey`), so
 * custom-tag values, `set` values and lists are data and are not inspected.
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import { DS_NAME, DS_NAME_RULE, suggestDsName } from '../core/ds-name.js';
import type { SourceLocation } from '../core/errors.js';
import { ConditionSyntaxError, parseCondition } from '../language/conditions/index.js';
import { classifyKey, suggestTag } from '../language/tag-key.js';
import { checkContinuous } from './continuous-check.js';
import { runThreadItems } from './run-thread-items.js';
import { isPlainObject } from './plain-object.js';
import type { ValidationProblem } from './problems.js';
import type { Position } from './source-map.js';
import type { CustomTagSpec, KeyPath } from './types.js';

type Path = (string | number)[];

/** What the worker can load without a build step (SPEC §3.1). */
const SCRIPT_EXTENSIONS = ['.ts', '.mts', '.js', '.mjs'];

function unsupportedScript(script: string): string {
  return `script '${script}' is not a block script: procblock loads .ts, .mts, .js or .mjs modules exporting processBlock`;
}

interface Ctx {
  readonly tags: readonly CustomTagSpec[];
  readonly locate: (p: KeyPath) => SourceLocation;
  /** The exact position of a node (no ancestor fallback), when recorded. */
  readonly position: (p: KeyPath) => Position | undefined;
  readonly problems: ValidationProblem[];
  /** Every RunThread id of the block (`thread.field` in alert expressions names one). */
  readonly threads: ReadonlySet<string>;
}

export function semanticProblems(
  data: Record<string, unknown>,
  tags: readonly CustomTagSpec[],
  locate: (p: KeyPath) => SourceLocation,
  position: (p: KeyPath) => Position | undefined = () => undefined,
): ValidationProblem[] {
  const threads = new Set(runThreadItems(data, tags).flatMap((t) => (t.id === undefined ? [] : [t.id])));
  const ctx: Ctx = { tags, locate, position, problems: [], threads };
  checkLevel(data, [], false, ctx);
  for (const tag of tags) {
    const location = tag.location ?? { file: tag.script };
    if (!isFile(tag.script)) {
      ctx.problems.push({
        code: 'PB_ERR_SCRIPT_NOT_FOUND',
        message: `custom tag '${tag.pattern}': script not found: ${tag.script} (paths are relative to the file that declares the tag)`,
        location,
      });
    } else if (!SCRIPT_EXTENSIONS.includes(path.extname(tag.script))) {
      ctx.problems.push({ code: 'PB_ERR_VALIDATION', message: `custom tag '${tag.pattern}': ${unsupportedScript(tag.script)}`, location });
    }
  }
  return ctx.problems;
}

/** `inBranch`: this mapping is the value of an `if`/`elif`, where a nested `else` is the original's form. */
function checkLevel(level: Record<string, unknown>, at: Path, inBranch: boolean, ctx: Ctx): void {
  let chainOpen = false; // an `if` (and maybe `elif`s) precede, with no `else` yet
  for (const [key, value] of Object.entries(level)) {
    const keyPath = [...at, key];
    const tag = classifyKey(key, ctx.tags);
    switch (tag.kind) {
      case 'if':
      case 'elif': {
        if (tag.kind === 'elif' && !chainOpen) {
          push(ctx, 'PB_ERR_VALIDATION', keyPath, `'${key}' must follow an 'if' (or 'elif') key in the same mapping; add 'if <condition>:' before it or make it an 'if'`);
        }
        checkCondition(key, tag.condition, keyPath, ctx);
        chainOpen = true;
        if (isPlainObject(value)) checkLevel(value, keyPath, true, ctx);
        break;
      }
      case 'else':
        if (!chainOpen && !inBranch) {
          push(ctx, 'PB_ERR_VALIDATION', keyPath, `'else' must follow an 'if' or 'elif' key in the same mapping, or sit inside the 'if' mapping`);
        }
        chainOpen = false;
        if (isPlainObject(value)) checkLevel(value, keyPath, false, ctx);
        break;
      case 'run':
        checkRunList(value, keyPath, ctx);
        break;
      case 'run simultaneous':
        if (isPlainObject(value)) {
          for (const [name, list] of Object.entries(value)) checkRunList(list, [...keyPath, name], ctx);
        }
        break;
      case 'require lock':
        if (isPlainObject(value) && isPlainObject(value['timeout_block'])) {
          checkLevel(value['timeout_block'], [...keyPath, 'timeout_block'], false, ctx);
        }
        break;
      case 'put tag':
        checkPutTag(level, tag.tag, value, keyPath, ctx);
        break;
      case 'dropstar':
        // Pages and RPC entries are levels processed per request: check them as such.
        if (isPlainObject(value)) {
          for (const group of ['pages', 'rpc']) {
            const entries = value[group];
            if (!isPlainObject(entries)) continue;
            for (const [name, entry] of Object.entries(entries)) if (isPlainObject(entry)) checkLevel(entry, [...keyPath, group, name], false, ctx);
          }
        }
        break;
      case 'data':
        if (!checkLookalike(key, keyPath, ctx)) checkTypo(key, value, keyPath, ctx);
        if (isPlainObject(value)) checkLevel(value, keyPath, false, ctx);
        break;
      default:
        break; // tag values that are data, internal keys, custom tags
    }
  }
}

/**
 * `put tag T in queue Q` posts the value of sibling key T: T must be a key of this mapping or of
 * one of its `if`/`elif`/`else` branches (whose keys merge into this level).
 */
function checkPutTag(level: Record<string, unknown>, named: string | undefined, value: unknown, keyPath: Path, ctx: Ctx): void {
  const targets: { tag: string; path: Path }[] = [];
  if (named !== undefined) targets.push({ tag: named, path: keyPath });
  else if (Array.isArray(value)) {
    value.forEach((e, i) => {
      if (isPlainObject(e) && typeof e['tag'] === 'string') targets.push({ tag: e['tag'], path: [...keyPath, i, 'tag'] });
    });
  } else if (isPlainObject(value) && typeof value['tag'] === 'string') targets.push({ tag: value['tag'], path: [...keyPath, 'tag'] });
  if (targets.length === 0) return;
  const keys = new Set(Object.keys(level));
  for (const [k, v] of Object.entries(level)) {
    const kind = classifyKey(k, ctx.tags).kind;
    if ((kind === 'if' || kind === 'elif' || kind === 'else') && isPlainObject(v)) {
      for (const branchKey of Object.keys(v)) keys.add(branchKey);
    }
  }
  for (const t of targets) {
    if (!keys.has(t.tag)) {
      const known = [...keys].filter((k) => !k.startsWith('__') && classifyKey(k, ctx.tags).kind === 'data');
      push(ctx, 'PB_ERR_VALIDATION', t.path, `put tag: no sibling key '${t.tag}' to post${known.length ? `; keys here: ${known.join(', ')}` : ''}`);
    }
  }
}

/** Keys that look like a condition tag but are not one would silently become data. True when one was reported. */
function checkLookalike(key: string, keyPath: Path, ctx: Ctx): boolean {
  if (/^(if|elif)\s*$/.test(key)) {
    push(ctx, 'PB_ERR_CONDITION_SYNTAX', keyPath, `'${key.trim()}' needs a condition, e.g. '${key.trim()} host == "web1"'`);
  } else if (/^else\s+if\s/.test(key)) {
    push(ctx, 'PB_ERR_CONDITION_SYNTAX', keyPath, `'${key}' is not a tag; write 'elif ${key.replace(/^else\s+if\s+/, '')}'`);
  } else if (/^else\s+\S/.test(key)) {
    push(ctx, 'PB_ERR_CONDITION_SYNTAX', keyPath, `'${key}' is not a tag: 'else' takes no condition; write 'else' or 'elif <condition>'`);
  } else {
    return false;
  }
  return true;
}

/**
 * A data key a typo away from a tag (`incremnt hits`) would silently become data. The explicit
 * escape for a key that really is data: write it quoted in the YAML (`"incremnt hits": 3`).
 */
function checkTypo(key: string, value: unknown, keyPath: Path, ctx: Ctx): void {
  if (ctx.position(keyPath)?.quotedKey) return;
  const hint = suggestTag(key, ctx.tags, value);
  if (hint === undefined) return;
  push(
    ctx,
    'PB_ERR_MISSPELLED_TAG',
    keyPath,
    `'${key}' is not a tag, so it would be stored as plain data: did you mean '${hint.key}'${hint.custom === undefined ? '' : ` (custom tag '${hint.custom}')`}? If it is meant as data, write the key quoted: "${key}":`,
  );
}

function checkCondition(key: string, condition: string, keyPath: Path, ctx: Ctx): void {
  try {
    parseCondition(condition);
  } catch (e) {
    if (!(e instanceof ConditionSyntaxError)) throw e;
    const loc = ctx.locate(keyPath);
    // Point at the offending character inside the key (plain or quoted without escapes).
    const pos = ctx.position(keyPath);
    const col = pos === undefined ? loc.col : pos.col + (pos.quotedKey ? 1 : 0) + key.indexOf(condition) + e.column - 1;
    ctx.problems.push({ code: 'PB_ERR_CONDITION_SYNTAX', message: e.message, location: { ...loc, col } });
  }
}

function checkRunList(list: unknown, at: Path, ctx: Ctx): void {
  if (!Array.isArray(list)) return; // the schema reports it
  list.forEach((item, i) => {
    if (!isPlainObject(item)) return;
    const itemPath = [...at, i];
    const script = item['script'];
    if (typeof script === 'string' && script !== '') {
      const scriptPath = [...itemPath, 'script'];
      const holder = ctx.locate(scriptPath).file;
      const resolved = path.resolve(path.dirname(holder), script);
      if (!isFile(resolved)) {
        push(ctx, 'PB_ERR_SCRIPT_NOT_FOUND', scriptPath, `script not found: '${script}' (looked for ${resolved}; paths are relative to ${path.basename(holder)})`);
      } else if (!SCRIPT_EXTENSIONS.includes(path.extname(resolved))) {
        push(ctx, 'PB_ERR_VALIDATION', scriptPath, unsupportedScript(script));
      }
    }
    for (const key of COLLECT_KEYS) checkDsNames(item[key], [...itemPath, key], ctx);
    if (item['cache'] === true && item['interval'] === undefined) {
      push(ctx, 'PB_ERR_VALIDATION', [...itemPath, 'cache'], `'cache: true' needs 'interval: <seconds>' on the same item (or write 'cache: <seconds>')`);
    }
    const cached = item['cache'] !== undefined && item['cache'] !== null && item['cache'] !== false && item['cache'] !== 0;
    if (item['shell'] !== undefined && cached && item['thread_id'] === undefined) {
      push(ctx, 'PB_ERR_VALIDATION', [...itemPath, 'cache'], `a shell item with 'cache' runs as a RunThread and needs 'thread_id: <name>' on the same item (a command has no name to default to)`);
    }
    for (const key of ['singleton', 'lock'] as const) {
      if (item[key] !== undefined && !cached) {
        push(ctx, 'PB_ERR_VALIDATION', [...itemPath, key], `'${key}' makes a RunThread cluster-safe, so it needs 'cache: <seconds>' on the same item`);
      }
    }
    if (item['singleton'] === false && item['lock'] !== undefined) {
      push(ctx, 'PB_ERR_VALIDATION', [...itemPath, 'lock'], `'lock' makes a RunThread cluster-safe; it cannot go with 'singleton: false' (drop one of them)`);
    }
    const continuous = checkContinuous(item, itemPath, ctx.threads);
    for (const p of continuous.problems) push(ctx, p.code, [...p.path], p.message);
    for (const nested of continuous.runLists) checkRunList(nested.list, [...nested.path], ctx);
  });
}

const COLLECT_KEYS = ['timeseries collect', 'timeseries_collect'];

/** Field names become RRD data-source names: every bad one is reported, with a name that would do. */
function checkDsNames(collect: unknown, at: Path, ctx: Ctx): void {
  if (!isPlainObject(collect) || !isPlainObject(collect['fields'])) return;
  for (const name of Object.keys(collect['fields'])) {
    if (DS_NAME.test(name)) continue;
    push(ctx, 'PB_ERR_RRD_INVALID', [...at, 'fields', name], `field '${name}': ${DS_NAME_RULE}; try '${suggestDsName(name)}' (and return that key from the script)`);
  }
}

function push(ctx: Ctx, code: ValidationProblem['code'], p: Path, message: string): void {
  ctx.problems.push({ code, message, location: ctx.locate(p) });
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}
