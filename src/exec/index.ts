/** The exec layer: running block scripts in worker threads and shell commands (SPEC §3). */
export { createScriptRunner, type ScriptRunnerOptions } from './script-runner.js';
export { createShellRunner, type ShellRunnerOptions } from './shell-runner.js';
export type * from './types.js';
