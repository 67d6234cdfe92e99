/**
 * The block language (SPEC §2): what a mapping key means and the condition language. Pure, and
 * below both `config/` (validation) and `engine/` (execution), so both read the same parser.
 */
export * from './conditions/index.js';
export { classifyKey, priorityOf, PRIORITY } from './tag-key.js';
export type { TagKey, InternalKind } from './tag-key.js';
export type { CustomTagSpec } from './custom-tag.js';
