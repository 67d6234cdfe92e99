export { createMemoryUnidist, type MemoryUnidistOptions } from './create-memory-unidist.js';
export { MemoryUnidist } from './memory-unidist.js';
