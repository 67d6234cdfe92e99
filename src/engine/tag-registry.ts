/**
 * Which function handles which key: the shared classifier (tag-key.ts), the conditions module
 * for `if`/`elif`, and one tag function per built-in (tags/). `if` chains are handled by the
 * level itself (tags/if-chain.ts) because they span several keys.
 */
import type { CustomTagSpec } from '../config/types.js';
import { evaluateCondition, parseCondition, type Condition } from '../language/conditions/index.js';
import type { EngineTag } from './level-plan.js';
import type { TagFunction } from './tag-call.js';
import { classifyKey, type TagKey } from '../language/tag-key.js';
import { customTag } from './tags/custom.js';
import { dataTag } from './tags/data.js';
import { dropstarTag } from './tags/dropstar.js';
import type { ConditionTest } from './tags/if-chain.js';
import { incrementTag } from './tags/increment.js';
import { listAddTag } from './tags/list-add.js';
import { listDelTag } from './tags/list-del.js';
import { putInQueueTag } from './tags/put-in-queue.js';
import { releaseLockTag } from './tags/release-lock.js';
import { requireLockTag } from './tags/require-lock.js';
import { runSimultaneousTag } from './tags/run-simultaneous.js';
import { runTag } from './tags/run.js';
import { setTag } from './tags/set.js';
import { templateTag } from './tags/template.js';

export interface TagRegistry {
  classify(key: string, customTags: readonly CustomTagSpec[]): TagKey;
  /** The function for a single key (not `if`/`elif`/`else`, which the level chains). */
  functionFor(tag: EngineTag): TagFunction;
  /** Evaluate condition text against pipe data. */
  readonly test: ConditionTest;
}

const FUNCTIONS: { readonly [K in EngineTag['kind']]?: TagFunction<Extract<EngineTag, { kind: K }>> } = {
  set: setTag,
  'list add': listAddTag,
  'list del': listDelTag,
  increment: incrementTag,
  decrement: incrementTag,
  run: runTag,
  'run simultaneous': runSimultaneousTag,
  template: templateTag,
  dropstar: dropstarTag,
  'require lock': requireLockTag,
  'release lock': releaseLockTag,
  'put tag': putInQueueTag,
  custom: customTag,
  internal: dataTag,
  data: dataTag,
};

/** Parsed conditions by text: a block re-processed every tick parses each condition once. */
const parsed = new Map<string, Condition>();

const testCondition: ConditionTest = (text, pipeData) => {
  let cond = parsed.get(text);
  if (!cond) {
    cond = parseCondition(text);
    if (parsed.size > 10_000) parsed.clear();
    parsed.set(text, cond);
  }
  return evaluateCondition(cond, pipeData);
};

export const builtInTags: TagRegistry = {
  classify: classifyKey,
  functionFor(tag) {
    const fn = FUNCTIONS[tag.kind] as TagFunction | undefined;
    if (!fn) throw new Error(`no tag function for "${tag.kind}" (if/elif/else are chained by the level)`);
    return fn;
  },
  test: testCondition,
};
