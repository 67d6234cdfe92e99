/** Loading and validating block files. */
export { loadBlock, checkBlock } from './load-block.js';
export type { LoadBlockOptions } from './load-block.js';
export type { ValidationProblem } from './problems.js';
export type { CustomTagSpec, KeyPath, LoadedBlock, UsageArg, UsageOption, UsageSpec } from './types.js';
