/**
 * What processing a mapping needs that the block alone decides, derived once per mapping
 * instead of on every run (web requests and RunThread ticks process the same mappings again and
 * again): the plan (level-plan.ts), and for each key that is plain data — no tag function, and
 * for a mapping value no tag at any depth — how its result value is copied (data-copy.ts). A
 * level made only of such keys is *static*: its result is a fresh copy of the same tree on every
 * run, made without dispatching a tag.
 *
 * Cached per mapping object only when the mapping is frozen (the engine's block data is deeply
 * frozen: a loaded block never changes, a reloaded one is new objects), and for the tags and
 * registry it was derived with. A mapping that is not frozen is derived afresh on every run, and
 * a static result is only derived from frozen mappings, so a changed mapping is never served
 * from a stale plan or copy.
 */
import type { CustomTagSpec } from '../config/types.js';
import { dataCopier, type DataCopy } from './data-copy.js';
import { planLevel, type LevelPlan, type PlannedKey } from './level-plan.js';
import { isPlainObject } from './pipe-path.js';
import type { TagRegistry } from './tag-registry.js';
import { dataTag } from './tags/data.js';

export interface CompiledLevel {
  readonly plan: LevelPlan;
  /**
   * Per unit of `plan.units`: the copy of its stored value when the unit is a key of plain data
   * (handled by the data tag, value a primitive or list, or a static mapping); else undefined.
   */
  readonly dataCopies: readonly (DataCopy | undefined)[];
  /** When every key is plain data (and the mapping is frozen): the level's result, fresh per call. */
  readonly staticResult: DataCopy | undefined;
}

const RETURN_TAG = '__return_tag';

const cache = new WeakMap<object, { tags: readonly CustomTagSpec[]; registry: TagRegistry; compiled: CompiledLevel }>();

export function compiledLevel(mapping: Readonly<Record<string, unknown>>, tags: readonly CustomTagSpec[], registry: TagRegistry): CompiledLevel {
  const hit = cache.get(mapping);
  if (hit && hit.tags === tags && hit.registry === registry) return hit.compiled;
  const compiled = compile(mapping, tags, registry);
  if (Object.isFrozen(mapping)) cache.set(mapping, { tags, registry, compiled });
  return compiled;
}

function compile(mapping: Readonly<Record<string, unknown>>, tags: readonly CustomTagSpec[], registry: TagRegistry): CompiledLevel {
  const plan = planLevel(mapping, (key) => registry.classify(key, tags));
  const frozen = Object.isFrozen(mapping);
  const dataCopies = plan.units.map((unit) => (unit.type === 'key' ? copierOf(unit.entry, frozen, tags, registry) : undefined));
  const isStatic =
    frozen && plan.problems.length === 0 && !Object.hasOwn(mapping, RETURN_TAG) && dataCopies.every((c) => c !== undefined);
  return { plan, dataCopies, staticResult: isStatic ? staticResult(plan.keys, plan, dataCopies as readonly DataCopy[]) : undefined };
}

/** How the value of a plain data key is copied into the result, or undefined when a tag must run. */
function copierOf(entry: PlannedKey, frozen: boolean, tags: readonly CustomTagSpec[], registry: TagRegistry): DataCopy | undefined {
  const kind = entry.tag.kind;
  if ((kind !== 'data' && kind !== 'internal') || registry.functionFor(entry.tag) !== dataTag) return undefined;
  if (!isPlainObject(entry.value)) return frozen ? dataCopier(entry.value) : undefined;
  // A mapping value is a level of its own: plain data only if that level is static.
  return frozen ? compiledLevel(entry.value, tags, registry).staticResult : undefined;
}

/** The result of a static level: its keys in document order, without `__` keys and undefined values. */
function staticResult(keys: readonly PlannedKey[], plan: LevelPlan, copies: readonly DataCopy[]): DataCopy {
  const byKey = new Map<string, DataCopy>();
  plan.units.forEach((unit, i) => {
    if (unit.type === 'key') byKey.set(unit.entry.key, copies[i] as DataCopy);
  });
  const fields: { readonly key: string; readonly copy: DataCopy }[] = [];
  for (const { key, value } of keys) {
    if (key.startsWith('__') || value === undefined) continue;
    fields.push({ key, copy: byKey.get(key) as DataCopy });
  }
  return () => {
    const out: Record<string, unknown> = {};
    for (const f of fields) out[f.key] = f.copy();
    return out;
  };
}
