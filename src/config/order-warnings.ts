/**
 * `--check` warnings about processing order (SPEC §2.1): a condition is evaluated at its
 * priority (`if` 600), not where it sits in the file, so `if used > limit` written after a `run`
 * (800) that produces `used` is evaluated before the run and is never true. Pure.
 *
 * The rule: for each `if`/`elif` condition, each pipe-data key it reads (the first segment of a
 * path operand) is looked for among the things processed before the condition (in its level and
 * the levels around it) and after it. No warning when something earlier sets the key or may set
 * it (a script), or when the key is a declared `__usage` option or arg. A warning when nothing
 * earlier does and something later sets it (`set`, a run item's `set:`, a shell item's `status`/
 * `output`) or may set it (a `script:` run item, a shell item with `parse:`, a custom tag).
 */
import type { SourceLocation } from '../core/errors.js';
import { parseCondition, type Operand, type PathSegment } from '../language/conditions/index.js';
import { classifyKey, priorityOf, type TagKey } from '../language/tag-key.js';
import { isPlainObject } from './plain-object.js';
import type { KeyPath, LoadedBlock } from './types.js';

export interface BlockWarning {
  readonly message: string;
  readonly location: SourceLocation;
}

/** What a key writes into pipe data, as far as the YAML tells. */
interface Produces {
  readonly names: ReadonlySet<string>;
  /** Set when it runs a script, whose result keys only the script knows. */
  readonly scripts: boolean;
}

interface Entry {
  readonly key: string;
  readonly tag: TagKey;
  readonly value: unknown;
  readonly priority: number;
  readonly index: number;
  readonly path: KeyPath;
  readonly produces: Produces;
}

interface Around {
  readonly before: readonly Entry[];
  readonly after: readonly Entry[];
}

export function orderWarnings(block: LoadedBlock): BlockWarning[] {
  const declared = new Set([...(block.usage?.options ?? []).map((o) => o.name), ...(block.usage?.args ?? []).map((a) => a.name), 'args']);
  const warnings: BlockWarning[] = [];
  const level = (mapping: Readonly<Record<string, unknown>>, at: KeyPath, around: Around): void => {
    const entries = entriesOf(mapping, at, block);
    const order = [...entries].sort((a, b) => a.priority - b.priority || a.index - b.index);
    order.forEach((e, i) => {
      const before = [...around.before, ...order.slice(0, i)];
      const after = [...order.slice(i + 1), ...around.after];
      if (e.tag.kind === 'if' || e.tag.kind === 'elif') {
        for (const name of readsOf(e.tag.condition)) {
          if (declared.has(name) || before.some((b) => b.produces.scripts || b.produces.names.has(name))) continue;
          const later = after.find((a) => a.produces.names.has(name)) ?? after.find((a) => a.produces.scripts);
          if (later) warnings.push({ location: block.locate(e.path), message: message(e, name, later, block) });
        }
      }
      for (const [sub, subPath] of nestedLevels(e)) level(sub, subPath, { before, after });
    });
  };
  level(block.data, [], { before: [], after: [] });
  return warnings;
}

function message(cond: Entry, name: string, later: Entry, block: LoadedBlock): string {
  const what = later.produces.names.has(name) ? 'sets it' : 'may set it (a script)';
  const line = block.locate(later.path).line;
  const kind = cond.tag.kind;
  return (
    `'${cond.key}' reads '${name}', which nothing before it sets; '${later.key}'${line === undefined ? '' : ` (line ${line})`} ${what} ` +
    `but is processed after this ${kind} (priority ${later.priority} > ${cond.priority}): keys run in priority order, not file order. ` +
    `To test what it produces, give the ${kind} mapping '__priority: ${later.priority + 100}'${kind === 'elif' ? ' (on its if)' : ''}`
  );
}

function entriesOf(mapping: Readonly<Record<string, unknown>>, at: KeyPath, block: LoadedBlock): Entry[] {
  let chain: { priority: number; index: number } | undefined;
  return Object.entries(mapping).map(([key, value], index) => {
    const tag = classifyKey(key, block.tags);
    let priority = priorityOf(tag, value);
    let order = index;
    // elif/else are processed with their chain, at the if's place.
    if (tag.kind === 'if') chain = { priority, index };
    else if ((tag.kind === 'elif' || tag.kind === 'else') && chain) ({ priority, index: order } = chain);
    return { key, tag, value, priority, index: order, path: [...at, key], produces: producesOf(tag, value, block) };
  });
}

function producesOf(tag: TagKey, value: unknown, block: LoadedBlock): Produces {
  const names = new Set<string>();
  let scripts = false;
  const visit = (t: TagKey, v: unknown): void => {
    switch (t.kind) {
      case 'set':
      case 'list add':
      case 'list del':
      case 'increment':
      case 'decrement':
        names.add(rootOf(t.name));
        break;
      case 'custom':
        scripts = true;
        break;
      case 'run':
        if (Array.isArray(v)) for (const item of v) runItem(item);
        break;
      case 'if':
      case 'elif':
      case 'else':
      case 'data':
        if (isPlainObject(v)) for (const [k, sub] of Object.entries(v)) visit(classifyKey(k, block.tags), sub);
        break;
      default:
        break; // run simultaneous lists work on copies; locks, queues, templates set nothing
    }
  };
  const runItem = (item: unknown): void => {
    if (!isPlainObject(item)) return;
    if (item['script'] !== undefined) scripts = true;
    if (item['shell'] !== undefined) for (const n of ['status', 'output', 'output_error']) names.add(n);
    if (item['shell'] !== undefined && item['parse'] !== undefined) scripts = true; // parsed output: keys only the command knows
    if (isPlainObject(item['set'])) for (const k of Object.keys(item['set'])) names.add(rootOf(k));
    if (item['cache'] !== undefined) names.add('run_thread');
  };
  visit(tag, value);
  return { names, scripts };
}

function nestedLevels(e: Entry): [Readonly<Record<string, unknown>>, KeyPath][] {
  const k = e.tag.kind;
  if ((k === 'if' || k === 'elif' || k === 'else' || k === 'data') && isPlainObject(e.value)) return [[e.value, e.path]];
  if (k === 'require lock' && isPlainObject(e.value) && isPlainObject(e.value['timeout_block'])) {
    return [[e.value['timeout_block'], [...e.path, 'timeout_block']]];
  }
  return [];
}

/** The pipe-data keys a condition reads: the first segment of each path operand (and of `(path)` keys). */
function readsOf(condition: string): string[] {
  let parsed;
  try {
    parsed = parseCondition(condition);
  } catch {
    return []; // reported as a problem by validation
  }
  const out = new Set<string>();
  const operand = (o: Operand): void => {
    if (o.kind === 'path') segments(o.segments, true);
  };
  const segments = (segs: readonly PathSegment[], first: boolean): void => {
    segs.forEach((s, i) => {
      if (s.kind === 'key' && first && i === 0) out.add(s.key);
      if (s.kind === 'ref') segments(s.path, true);
    });
  };
  operand(parsed.left);
  if ('right' in parsed) operand(parsed.right);
  return [...out];
}

/** `server.port` → `server`: a dot path's top-level key (flat keys like `run_thread.x` start the same). */
function rootOf(name: string): string {
  return name.split('.')[0] ?? name;
}
