/**
 * `if` / `elif` / `else` (SPEC §2.2). A chain is an `if`, the sibling `elif`s after it and at
 * most one sibling `else`; exactly one branch is taken. An `else` inside a branch mapping (the
 * original's form) is the chain's fallback when no sibling `else` exists — a chain with both is
 * an error. The taken branch's mapping (minus its inner `else`) is processed as a level and its
 * keys merge into the containing level, overriding plain siblings. A branch whose value is
 * empty (null) merges nothing.
 */
import type { KeyPath } from '../../config/types.js';
import { invalidBlock, withLocation } from '../located-error.js';
import type { PlannedKey } from '../level-plan.js';
import { isPlainObject } from '../pipe-path.js';
import { NOTHING, type TagCall, type TagOutcome } from '../tag-call.js';
import type { PipeData } from '../types.js';

/** Evaluates one condition text against pipe data (wraps the conditions module). */
export type ConditionTest = (condition: string, pipeData: PipeData) => boolean;

interface Branch {
  readonly mapping: Readonly<Record<string, unknown>>;
  readonly path: KeyPath;
}

export async function ifChain(
  links: readonly PlannedKey[],
  base: Omit<TagCall, 'key' | 'tag' | 'value' | 'path'>,
  levelPath: KeyPath,
  test: ConditionTest,
): Promise<TagOutcome> {
  const { block, pipeData } = base.ctx;
  let fallback: Branch | undefined;
  const checked: { entry: PlannedKey; path: KeyPath; mapping: Readonly<Record<string, unknown>> }[] = [];
  for (const entry of links) {
    const path = [...levelPath, entry.key];
    const mapping = asMapping(entry.value, path, base);
    if (entry.tag.kind === 'else') {
      if (fallback) throw invalidBlock(block, path, 'this if-chain already has an inner "else"; keep only one');
      fallback = { mapping, path };
      continue;
    }
    const inner = mapping.else;
    if (inner !== undefined) {
      if (fallback) throw invalidBlock(block, [...path, 'else'], 'this if-chain already has an "else"; keep only one');
      const innerPath = [...path, 'else'];
      fallback = { mapping: asMapping(inner, innerPath, base), path: innerPath };
    }
    checked.push({ entry, path, mapping });
  }
  let taken: Branch | undefined;
  for (const c of checked) {
    const cond = 'condition' in c.entry.tag ? c.entry.tag.condition : '';
    let truth: boolean;
    try {
      truth = test(cond, pipeData);
    } catch (e) {
      throw withLocation(e, block, c.path);
    }
    if (truth) {
      taken = { mapping: withoutElse(c.mapping), path: c.path };
      break;
    }
  }
  taken ??= fallback;
  if (!taken) return NOTHING;

  const result = await base.processLevel(taken.mapping, taken.path);
  if (!isPlainObject(result)) {
    throw invalidBlock(block, taken.path, 'a taken branch must produce a mapping to merge (its __return_tag picked a non-mapping)');
  }
  return { type: 'merge', values: result };
}

function asMapping(value: unknown, path: KeyPath, base: Omit<TagCall, 'key' | 'tag' | 'value' | 'path'>): Readonly<Record<string, unknown>> {
  if (value === null || value === undefined) return {};
  if (isPlainObject(value)) return value;
  throw invalidBlock(base.ctx.block, path, `a condition branch takes a mapping, got ${JSON.stringify(value)}`);
}

/** Same object for the same (frozen) branch every time, so the level's plan cache applies. */
const stripped = new WeakMap<object, Readonly<Record<string, unknown>>>();

function withoutElse(m: Readonly<Record<string, unknown>>): Readonly<Record<string, unknown>> {
  if (!Object.hasOwn(m, 'else')) return m;
  let rest = stripped.get(m);
  if (!rest) {
    const { else: _dropped, ...others } = m;
    rest = Object.freeze(others);
    if (Object.isFrozen(m)) stripped.set(m, rest);
  }
  return rest;
}
