/**
 * Worker entry for `procblock --check`: import each script the way a run would (script-loader.ts:
 * TypeScript through the transform cache, the loader hooks when needed) and say, per script,
 * whether it loads and exports a callable processBlock. Nothing is called.
 *
 * A script's top-level code runs (that is what importing means); its console output goes to
 * stderr, since `--check` prints only its verdict on stdout.
 */
import { format } from 'node:util';
import { parentPort, workerData } from 'node:worker_threads';
import type { CheckWorkerInit, CheckWorkerMessage } from './check-protocol.js';
import { LoadFailure, ScriptLoader } from './script-loader.js';

const init = workerData as CheckWorkerInit;
const port = parentPort;
if (port === null) throw new Error('check-worker.js runs only as a worker thread');

const toStderr = (...args: unknown[]): void => void process.stderr.write(`${format(...args)}\n`);
for (const method of ['log', 'info', 'debug', 'warn', 'error', 'trace', 'dir'] as const) console[method] = toStderr;
// Node's own warnings (e.g. "reparsing as ES module") would only repeat what the verdict says.
process.removeAllListeners('warning');
process.on('unhandledRejection', (reason) => toStderr('unhandled promise rejection while loading a script:', reason));

const post = (m: CheckWorkerMessage): void => port.postMessage(m);
const loader = new ScriptLoader(init.tsHooks);
for (const script of init.scripts) {
  post({ type: 'start', script });
  try {
    await loader.load(script, 0); // generation 0: the file as it is now
    post({ type: 'ok', script });
  } catch (e) {
    if (e instanceof LoadFailure) post({ type: 'fail', script, failure: e.failure });
    else post({ type: 'fail', script, failure: { code: 'PB_ERR_SCRIPT_THROW', message: `script ${script} could not be loaded: ${String(e)}`, errorName: 'Error', errorMessage: String(e), stack: undefined, file: script } });
  }
}
post({ type: 'done' });
