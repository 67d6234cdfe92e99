/**
 * Processing one mapping ("level"): keys in priority order (level-plan.ts), each handed to its
 * tag function; results assembled in document order; `__` keys dropped; `__return_tag`;
 * deferred queue posts; locks released when the level ends, even on error.
 */
import type { KeyPath } from '../config/types.js';
import { runAborted, type EngineContext } from './context.js';
import { LevelScope } from './level-scope.js';
import { compiledLevel } from './level-cache.js';
import type { PlannedKey, Unit } from './level-plan.js';
import { invalidBlock, runtimeFailure, withLocation } from './located-error.js';
import type { TagCall, TagOutcome } from './tag-call.js';
import type { TagRegistry } from './tag-registry.js';
import { ifChain } from './tags/if-chain.js';

const RETURN_TAG = '__return_tag';

export function isInternalKey(key: string): boolean {
  return key.startsWith('__');
}

export async function processLevel(
  mapping: Readonly<Record<string, unknown>>,
  path: KeyPath,
  ctx: EngineContext,
  registry: TagRegistry,
  parentScope: LevelScope | undefined,
): Promise<unknown> {
  const { block } = ctx;
  const { plan, dataCopies, staticResult } = compiledLevel(mapping, block.tags, registry);
  const firstProblem = plan.problems[0];
  if (firstProblem) throw invalidBlock(block, [...path, firstProblem.key], firstProblem.message);
  if (staticResult) {
    // Only plain data: nothing to dispatch, and nothing can abort between its keys.
    const first = plan.units[0];
    if (first && runAborted(ctx)) throw runtimeFailure(block, [...path, headOf(first).key], 'PB_ERR_ABORTED', 'processing was aborted');
    return staticResult();
  }

  const scope = new LevelScope(parentScope);
  const nested = (m: Readonly<Record<string, unknown>>, p: KeyPath): Promise<unknown> => processLevel(m, p, ctx, registry, scope);
  const stored = new Map<string, unknown>();
  const merges: { anchor: string; values: Readonly<Record<string, unknown>> }[] = [];
  scope.showProcessed(() => {
    const view: Record<string, unknown> = {};
    for (const [k, v] of assemble(plan.keys, stored, merges)) if (!isInternalKey(k) && v !== undefined) view[k] = v;
    return view;
  });
  try {
    for (let i = 0; i < plan.units.length; i++) {
      const unit = plan.units[i] as Unit;
      const key = headOf(unit).key;
      if (runAborted(ctx)) throw runtimeFailure(block, [...path, key], 'PB_ERR_ABORTED', 'processing was aborted');
      const copy = dataCopies[i];
      if (copy) {
        stored.set(key, copy());
        continue;
      }
      const outcome = await runUnit(unit, path, mapping, scope, ctx, nested, registry);
      if (outcome.type === 'store') stored.set(key, outcome.value);
      else if (outcome.type === 'merge') merges.push({ anchor: key, values: outcome.values });
      else if (outcome.type === 'replace-level') return outcome.value;
    }
    const final = assemble(plan.keys, stored, merges);
    if (scope.hasDeferred) await scope.runDeferred(final);
    return pickResult(final, plan.keys, mapping, path, ctx);
  } finally {
    if (scope.holdsLocks) await scope.releaseAll(ctx.logger);
  }
}

function headOf(unit: Unit): PlannedKey {
  return unit.type === 'key' ? unit.entry : (unit.links[0] as PlannedKey);
}

async function runUnit(
  unit: Unit,
  levelPath: KeyPath,
  parent: Readonly<Record<string, unknown>>,
  scope: LevelScope,
  ctx: EngineContext,
  processNested: TagCall['processLevel'],
  registry: TagRegistry,
): Promise<TagOutcome> {
  if (unit.type === 'chain') return ifChain(unit.links, { parent, scope, ctx, processLevel: processNested }, levelPath, registry.test);
  const { key, tag, value } = unit.entry;
  const path = [...levelPath, key];
  const fn = registry.functionFor(tag);
  // A literal, not `{...base, key}`: V8 (Node 20) makes spread-then-add objects several µs slow.
  const call: TagCall = { parent, scope, ctx, processLevel: processNested, key, tag, value, path };
  try {
    return await fn(call);
  } catch (e) {
    throw withLocation(e, ctx.block, path);
  }
}

/**
 * Every processed value by key, in document order: stored values first, then the keys of taken
 * `if` branches in processing order (they override plain siblings; a new key takes the place of
 * its `if`). Internal keys are still here (for `__return_tag` and queue posts).
 */
function assemble(
  keys: readonly PlannedKey[],
  stored: ReadonlyMap<string, unknown>,
  merges: readonly { anchor: string; values: Readonly<Record<string, unknown>> }[],
): Map<string, unknown> {
  const byAnchor = new Map(merges.map((m) => [m.anchor, m.values]));
  const final = new Map<string, unknown>();
  for (const { key } of keys) {
    if (stored.has(key)) final.set(key, stored.get(key));
    const merged = byAnchor.get(key);
    if (merged) for (const k of Object.keys(merged)) if (!final.has(k)) final.set(k, merged[k]);
  }
  for (const m of merges) for (const k of Object.keys(m.values)) final.set(k, m.values[k]);
  return final;
}

function pickResult(
  final: ReadonlyMap<string, unknown>,
  keys: readonly PlannedKey[],
  mapping: Readonly<Record<string, unknown>>,
  path: KeyPath,
  ctx: EngineContext,
): unknown {
  if (Object.hasOwn(mapping, RETURN_TAG)) {
    const target = mapping[RETURN_TAG];
    const name = typeof target === 'number' ? String(target) : target;
    if (typeof name !== 'string' || name === '') {
      throw invalidBlock(ctx.block, [...path, RETURN_TAG], `__return_tag takes the name of a key of this mapping, got ${JSON.stringify(target)}`);
    }
    if (!final.has(name) || final.get(name) === undefined) {
      const known = keys.some((k) => k.key === name);
      throw runtimeFailure(
        ctx.block,
        [...path, RETURN_TAG],
        'PB_ERR_RETURN_TAG_MISSING',
        known
          ? `__return_tag names "${name}", but that key stored no value (a tag that stores nothing, or an untaken branch)`
          : `__return_tag names "${name}", which is not a key of this mapping (keys: ${keys.map((k) => k.key).join(', ') || 'none'})`,
      );
    }
    return final.get(name);
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of final) if (!isInternalKey(k) && v !== undefined) out[k] = v;
  return out;
}
