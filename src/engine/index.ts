/** The block engine's public surface. */
export { processBlock, processMapping } from './process-block.js';
export { blockFromObject, type InMemoryBlockOptions } from './in-memory-block.js';
export type { EngineServices, ProcessOptions, ProcessResult, PipeData } from './types.js';
export type { SimultaneousStatus } from './tags/run-simultaneous.js';
export { fillTemplate } from './template-fill.js';
