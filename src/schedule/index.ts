export { RunThread } from './run-thread.js';
export type { RunThreadHooks, RunThreadOptions, TickErrorHook, TickHook } from './run-thread.js';
export { RunThreadSet } from './run-thread-set.js';
export type { RunThreadSetOptions } from './run-thread-set.js';
export type { RunThreadHost, RunThreadSpec, RunThreadStatus, StartedRunThread } from './types.js';
