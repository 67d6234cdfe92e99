/**
 * Worker entry of the script runner (loaded by piscina in every worker thread).
 *
 * Boot (before the first task): register the TypeScript loader hooks (ts-hooks.ts), open this
 * worker's channel to the runner (abort requests in, log records and unidist calls out), and
 * route console output to the runtime log, since stdout carries only the CLI result.
 *
 * Each task: load the script (cached per worker by path), call `processBlock`, and answer with
 * a `WorkerAnswer`; the outcome is checked for values that cannot cross threads first, so such a
 * return value fails this call with a clear error instead of crashing the worker.
 */
import { existsSync } from 'node:fs';
import { register } from 'node:module';
import { basename } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BroadcastChannel, threadId, workerData } from 'node:worker_threads';
import { format } from 'node:util';
import type { Unidist } from '../unidist/types.js';
import { findUncloneable } from './clone-check.js';
import { diffPipeData, snapshotPipeData } from './pipe-data-diff.js';
import {
  isChannelMessage,
  workerChannelName,
  type LogMessage,
  type TaskFailure,
  type TaskPayload,
  type WorkerInit,
} from './protocol.js';
import { canImportDirectly } from './direct-load.js';
import { TransformCache } from './transform-cache.js';
import { connectWorkerUnidist } from './worker-unidist.js';
import type { ProcessBlock, ScriptContext, ScriptLog } from '../script-api.js';
import type { PlainObject, ScriptOutcome } from './types.js';

const init = workerData as WorkerInit;

const tsCache = new TransformCache(init.tsHooks);
let hooksRegistered = false;

/** Start the loader hooks (once, on first need: it costs a loader thread). */
function ensureHooks(): void {
  if (hooksRegistered) return;
  register(new URL('./ts-hooks.js', import.meta.url), { data: init.tsHooks });
  hooksRegistered = true;
}

const channel = new BroadcastChannel(workerChannelName(init.runnerId, threadId));
// Never keep the worker alive for the channel: piscina decides the worker's lifetime.
(channel as unknown as { unref(): void }).unref();

/**
 * ctx.signal of one call. The AbortController is made on first use of ctx.signal: most scripts
 * never read it, and creating one per call is measurable on the no-op path.
 */
class CallState {
  private controller: AbortController | undefined;
  private reason: string | undefined;
  constructor(readonly callId: number) {}
  abort(reason: string): void {
    if (this.reason !== undefined) return;
    this.reason = reason;
    this.controller?.abort(new Error(reason));
  }
  signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.reason !== undefined) this.controller.abort(new Error(this.reason));
    }
    return this.controller.signal;
  }
}

const calls = new Map<number, CallState>();
/** Aborts that arrived before their task (the channel and piscina's port are not ordered). */
const earlyAborts = new Map<number, string>();
let currentScript: string | undefined;

channel.addEventListener('message', (ev) => {
  const data: unknown = (ev as MessageEvent).data;
  if (!isChannelMessage(data) || data.pb !== 'abort') return;
  const call = calls.get(data.callId);
  if (call) call.abort(data.reason);
  else rememberEarlyAbort(data.callId, data.reason);
});

/** An abort can also arrive just after its call finished here; keep only the newest few. */
function rememberEarlyAbort(callId: number, reason: string): void {
  earlyAborts.set(callId, reason);
  if (earlyAborts.size > 256) {
    const oldest = earlyAborts.keys().next();
    if (!oldest.done) earlyAborts.delete(oldest.value);
  }
}

// A promise a script left rejected (fire-and-forget) would otherwise crash this worker and
// whichever call it is running at the time: log it instead.
process.on('unhandledRejection', (reason) => {
  const text = reason instanceof Error ? (reason.stack ?? reason.message) : format(reason);
  post('error', `unhandled promise rejection in a script: ${text}`, undefined, currentScript);
});

function post(level: LogMessage['level'], msg: string, fields: Record<string, unknown> | undefined, script: string | undefined): void {
  const record: LogMessage = { pb: 'log', level, msg, fields, script };
  try {
    channel.postMessage(record);
  } catch {
    channel.postMessage({ ...record, fields: { unserializable: format(fields) } });
  }
}

function scriptLogger(script: string, source?: string): ScriptLog & { child(s: string): ScriptLog } {
  const emit =
    (level: LogMessage['level']) =>
    (msg: string, fields?: Record<string, unknown>): void =>
      post(level, source ? `[${source}] ${msg}` : msg, fields, script);
  return {
    debug: emit('debug'),
    info: emit('info'),
    warn: emit('warn'),
    error: emit('error'),
    child: (s) => scriptLogger(script, source ? `${source}:${s}` : s),
  };
}

// console.* in scripts: into the log, never onto stdout.
for (const [method, level] of [
  ['log', 'info'],
  ['info', 'info'],
  ['debug', 'debug'],
  ['warn', 'warn'],
  ['error', 'error'],
  ['trace', 'debug'],
] as const) {
  console[method] = (...args: unknown[]): void => post(level, format(...args), undefined, currentScript);
}

const unidist: Unidist = connectWorkerUnidist(channel);

type Handler = ProcessBlock;

interface ScriptInfo {
  readonly name: string;
  readonly log: ScriptLog;
}
const infos = new Map<string, ScriptInfo>();

function scriptInfo(script: string): ScriptInfo {
  let info = infos.get(script);
  if (!info) {
    const name = basename(script);
    info = { name, log: scriptLogger(name) };
    infos.set(script, info);
  }
  return info;
}
const handlers = new Map<string, Handler>();

class LoadFailure extends Error {
  constructor(readonly failure: TaskFailure) {
    super(failure.message);
  }
}

async function loadHandler(script: string): Promise<Handler> {
  const cached = handlers.get(script);
  if (cached) return cached;
  let mod: Record<string, unknown>;
  try {
    mod = await importScript(script);
  } catch (e) {
    throw new LoadFailure(await describeLoadError(script, e));
  }
  const fn = mod.processBlock ?? (mod.default as { processBlock?: unknown } | undefined)?.processBlock;
  if (typeof fn !== 'function') {
    throw new LoadFailure({
      code: 'PB_ERR_SCRIPT_NO_EXPORT',
      message: `script ${script} does not export a processBlock function (exports: ${Object.keys(mod).join(', ') || 'none'})`,
      errorName: 'TypeError',
      errorMessage: 'processBlock is not exported',
      stack: undefined,
      file: script,
    });
  }
  handlers.set(script, fn as Handler);
  return fn as Handler;
}

const TS_FILE = /\.m?ts$/;
const NEEDS_HOOKS = new Set(['ERR_UNKNOWN_FILE_EXTENSION', 'ERR_MODULE_NOT_FOUND']);

/**
 * TypeScript: transform in this thread (cached on disk) and import the cache file directly when
 * it needs no resolution help (see direct-load.ts); otherwise, and for JavaScript that turns out
 * to import TypeScript, go through the loader hooks.
 */
async function importScript(script: string): Promise<Record<string, unknown>> {
  const url = pathToFileURL(script).href;
  if (TS_FILE.test(script) && !hooksRegistered) {
    const { code, file } = await tsCache.transformFile(script);
    if (file !== undefined && canImportDirectly(code)) return (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    ensureHooks();
    return (await import(url)) as Record<string, unknown>;
  }
  try {
    return (await import(url)) as Record<string, unknown>;
  } catch (e) {
    const code = (e as { code?: unknown } | null)?.code;
    if (hooksRegistered || typeof code !== 'string' || !NEEDS_HOOKS.has(code) || !existsSync(script)) throw e;
    ensureHooks();
    // A fresh URL: the failed attempt stays in the module map under the plain one.
    return (await import(`${url}?hooks`)) as Record<string, unknown>;
  }
}

function errorParts(e: unknown): { name: string; message: string; stack: string | undefined; code: unknown } {
  if (e instanceof Error) return { name: e.name, message: e.message, stack: e.stack, code: (e as { code?: unknown }).code };
  return { name: typeof e, message: format(e), stack: undefined, code: undefined };
}

async function describeLoadError(script: string, e: unknown): Promise<TaskFailure> {
  const p = errorParts(e);
  const base = { errorName: p.name, errorMessage: p.message, stack: p.stack };
  if (p.code === 'ERR_MODULE_NOT_FOUND' || p.code === 'ENOENT' || p.code === 'ERR_UNKNOWN_FILE_EXTENSION') {
    const missing = !existsSync(script);
    return {
      ...base,
      code: 'PB_ERR_SCRIPT_NOT_FOUND',
      message: missing ? `script not found: ${script}` : `script ${script} could not be loaded: ${p.message}`,
      file: script,
    };
  }
  if (p.name === 'SyntaxError') {
    const loc = syntaxLocation(p.message, p.stack) ?? (await checkedLocation(script));
    const file = loc?.file ?? script;
    const where = loc?.line === undefined ? file : `${file}:${loc.line}${loc.col === undefined ? '' : `:${loc.col}`}`;
    const what = p.message.replace(/^.*?:\d+:\d+: /, '');
    return { ...base, code: 'PB_ERR_SCRIPT_SYNTAX', message: `syntax error in ${where}: ${what}`, file, line: loc?.line, col: loc?.col };
  }
  return { ...base, code: 'PB_ERR_SCRIPT_THROW', message: `script ${script} threw while loading: ${p.name}: ${p.message}`, file: script };
}

/** Location of a syntax error: ours (`/path.ts:3:9: ...`) or V8's (`file:///path.mjs:3` first stack line). */
function syntaxLocation(message: string, stack: string | undefined): { file: string; line?: number; col?: number } | undefined {
  const ours = /^(.+?\.m?ts):(\d+):(\d+): /.exec(message);
  if (ours) return { file: ours[1] ?? '', line: Number(ours[2]), col: Number(ours[3]) };
  const v8 = stack === undefined ? null : /^(file:\/\/\S+?):(\d+)\s*$/m.exec(stack);
  if (v8) return { file: decodeURIComponent(new URL(v8[1] ?? '').pathname), line: Number(v8[2]) };
  return undefined;
}

/**
 * V8 keeps the position of a module's parse error out of `error.stack` (Node prints it only for
 * uncaught errors), so ask `node --check` once; this runs only on the error path.
 */
async function checkedLocation(script: string): Promise<{ file: string; line?: number; col?: number } | undefined> {
  if (TS_FILE.test(script)) return undefined;
  const { spawnSync } = await import('node:child_process');
  const r = spawnSync(process.execPath, ['--check', script], { encoding: 'utf8', timeout: 10_000 });
  const m = /^(.+):(\d+)\r?$/m.exec(r.stderr ?? '');
  if (!m) return undefined;
  return { file: m[1] ?? script, line: Number(m[2]) };
}

function isPlainObject(v: unknown): v is PlainObject {
  if (typeof v !== 'object' || v === null) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

export type WorkerAnswer =
  | { ok: true; outcome: ScriptOutcome }
  | { ok: false; failure: TaskFailure };

const EMPTY_SNAPSHOT = {};

/** The piscina task handler. Never throws: every failure is described as data. */
export default async function runTask(task: TaskPayload): Promise<WorkerAnswer> {
  const start = performance.now();
  const state = new CallState(task.callId);
  const early = earlyAborts.get(task.callId);
  if (early !== undefined) earlyAborts.delete(task.callId);
  if (task.aborted || early !== undefined) state.abort(early ?? 'aborted before start');
  calls.set(task.callId, state);
  const script = task.script;
  const info = scriptInfo(script);
  currentScript = info.name;
  try {
    const handler = handlers.get(script) ?? (await loadHandler(script));
    const pipeData = task.pipeData;
    const before = isEmpty(pipeData) ? EMPTY_SNAPSHOT : snapshotPipeData(pipeData);
    const ctx: ScriptContext = {
      tag: task.tag,
      cwd: task.cwd,
      env: task.env,
      blockParent: task.blockParent,
      get signal() {
        return state.signal();
      },
      unidist,
      log: info.log,
    };
    let returned: unknown;
    try {
      returned = await handler(pipeData, task.block, task.requestState, task.inputData, ctx);
    } catch (e) {
      return fail('PB_ERR_SCRIPT_THROW', script, e, (p) => `script ${script} threw: ${p.name}: ${p.message}`);
    }
    try {
      const changes = diffPipeData(before, pipeData);
      const plain = isPlainObject(returned);
      const outcome: ScriptOutcome = {
        returned: plain ? (returned as PlainObject) : undefined,
        returnedNonObject: !plain && returned !== undefined,
        pipeDataSet: changes.set,
        pipeDataDeleted: changes.deleted,
        durationMs: performance.now() - start,
      };
      const bad = findUncloneable(outcome.returned, 'returned') ?? findUncloneable(changes.set, 'pipeData');
      if (bad !== undefined) throw new TypeError(`${bad} cannot be cloned`);
      return { ok: true, outcome };
    } catch (e) {
      return fail('PB_ERR_SCRIPT_THROW', script, e, (p) => `script ${script} returned or left in pipeData a value that cannot be passed between threads: ${p.message}`);
    }
  } catch (e) {
    if (e instanceof LoadFailure) return { ok: false, failure: e.failure };
    return fail('PB_ERR_SCRIPT_THROW', script, e, (p) => `script ${script} failed: ${p.message}`);
  } finally {
    calls.delete(task.callId);
    currentScript = undefined;
  }
}

function fail(code: TaskFailure['code'], script: string, e: unknown, message: (p: ReturnType<typeof errorParts>) => string): WorkerAnswer {
  const p = errorParts(e);
  return { ok: false, failure: { code, message: message(p), errorName: p.name, errorMessage: p.message, stack: p.stack, file: script } };
}

function isEmpty(o: object): boolean {
  for (const _ in o) return false;
  return true;
}
