/**
 * Pure: the order in which a level's keys are processed (SPEC §2.1). Keys sort by priority,
 * lowest first, ties in document order; a mapping value's own `__priority` overrides its tag's
 * default. Sibling `elif`/`else` keys join the chain of the nearest preceding `if` and the chain
 * is processed as one unit at the `if`'s place.
 */
import { priorityOf, type TagKey } from '../language/tag-key.js';

/** What a key means; the classifier (tag-key.ts) is shared with validation. */
export type EngineTag = TagKey;

export type Classify = (key: string) => TagKey;

export interface PlannedKey {
  readonly key: string;
  readonly value: unknown;
  readonly tag: EngineTag;
  readonly priority: number;
  /** Position in the mapping (document order). */
  readonly index: number;
}

export type Unit =
  | { readonly type: 'key'; readonly entry: PlannedKey }
  /** `if` followed by its sibling `elif`s and at most one sibling `else`. */
  | { readonly type: 'chain'; readonly links: readonly PlannedKey[] };

export type PlanProblem = { readonly key: string; readonly message: string };

export interface LevelPlan {
  /** Units in processing order. */
  readonly units: readonly Unit[];
  /** Keys in document order. */
  readonly keys: readonly PlannedKey[];
  readonly problems: readonly PlanProblem[];
}

export function planLevel(mapping: Readonly<Record<string, unknown>>, classify: Classify): LevelPlan {
  const keys: PlannedKey[] = Object.keys(mapping).map((key, index) => {
    const tag = classify(key);
    const value = mapping[key];
    return { key, value, tag, priority: priorityOf(tag, value), index };
  });

  const units: Unit[] = [];
  const problems: PlanProblem[] = [];
  let open: PlannedKey[] | undefined; // the chain an elif/else may still join
  for (const entry of keys) {
    const kind = entry.tag.kind;
    if (kind === 'if') {
      open = [entry];
      units.push({ type: 'chain', links: open });
    } else if (kind === 'elif' || kind === 'else') {
      if (!open) {
        problems.push({ key: entry.key, message: `"${entry.key}" has no preceding "if" at this level to chain to` });
        continue;
      }
      open.push(entry);
      if (kind === 'else') open = undefined;
    } else {
      units.push({ type: 'key', entry });
    }
  }

  const head = (u: Unit): PlannedKey => (u.type === 'key' ? u.entry : (u.links[0] as PlannedKey));
  // Array.prototype.sort is stable, so equal priorities keep document order.
  units.sort((a, b) => head(a).priority - head(b).priority || head(a).index - head(b).index);
  return { units, keys, problems };
}
