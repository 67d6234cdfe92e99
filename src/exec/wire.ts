/**
 * The wire form of script calls and their answers between the runner and its workers: arrays of
 * values by position instead of objects with named keys.
 *
 * Why: the structured clone writes every key name of every object in full and the receiving
 * thread reads each one back as a string to look up; a call and its answer are two dozen small
 * objects and keys. Under a no-op RPC load (issue 9) cloning them cost more main-thread time per
 * request than any other part of the call: ~23 µs to clone a batch of 4 calls and ~12 µs for
 * their answers, against ~7 µs and ~4 µs in this form (structuredClone, same data).
 *
 * What changes, and what does not:
 * - Every value a script sees is still a structured clone of the value given; only the frame
 *   around it is positional.
 * - An empty plain object (`{}`, Object.prototype, no own keys) in a slot that holds an object
 *   (pipe data, input data, a web request's query and cookies, a returned value, the pipe-data
 *   changes) travels as the number 0 and arrives as a new `{}`: what the clone would have made,
 *   except that two such slots given the same empty object arrive as two objects.
 * - A web request's `requestState` (exactly the keys block-routes.ts gives it, in that order)
 *   travels as its values by position and is rebuilt with the same keys in the same order; and
 *   its `response`, when it is just `{headers: {}, cookies: {}}` (none set), as 0.
 * - In a batch, the script path, cwd, tag and kept-value keys of a call that has the same as the
 *   call before it travel once (0 in the later calls).
 */
import type { KeptValue } from './kept-value.js';
import type { TaskPayload, WorkerAnswer } from './protocol.js';
import type { PlainObject, ScriptOutcome } from './types.js';

/** One call on the wire (see `encodeCall`). */
export type CallWire = unknown[];
/** One answer on the wire (see `encodeAnswer`). */
export type AnswerWire = unknown[];

/** An empty plain object, or a string equal to the previous call's (see the header). */
const SAME = 0;

const KEPT_RESET = 1;
const ABORTED = 2;

/** The keys of a web request's requestState, in order (block-routes.ts `runEntry`, script-item.ts `withResponse`). */
const WEB_KEYS = ['method', 'path', 'query', 'headers', 'cookies', 'host', 'remote', 'page', 'response'] as const;
const WEB_KEYS_USER = ['method', 'path', 'query', 'headers', 'cookies', 'host', 'remote', 'page', 'user', 'response'] as const;

function isEmptyPlain(v: unknown): boolean {
  if (typeof v !== 'object' || v === null || Object.getPrototypeOf(v) !== Object.prototype) return false;
  for (const _ in v) return false;
  return true;
}

/** `v`, or 0 for an empty plain object. */
const packObject = (v: unknown): unknown => (isEmptyPlain(v) ? SAME : v);
const unpackObject = (v: unknown): unknown => (v === SAME ? {} : v);

function isDefaultResponse(r: unknown): boolean {
  if (typeof r !== 'object' || r === null || Object.getPrototypeOf(r) !== Object.prototype) return false;
  let n = 0;
  for (const k in r) {
    if ((k !== 'headers' && k !== 'cookies') || !isEmptyPlain((r as PlainObject)[k])) return false;
    n++;
  }
  return n === 2;
}

const packResponse = (r: unknown): unknown => (isDefaultResponse(r) ? SAME : r);
const unpackResponse = (r: unknown): unknown => (r === SAME ? { headers: {}, cookies: {} } : r);

/** The web request state's values by position, or undefined when `rs` has other keys. */
function packWebState(rs: unknown): unknown[] | undefined {
  if (typeof rs !== 'object' || rs === null || Object.getPrototypeOf(rs) !== Object.prototype) return undefined;
  const keys = Object.keys(rs);
  const expected = keys.length === WEB_KEYS.length ? WEB_KEYS : keys.length === WEB_KEYS_USER.length ? WEB_KEYS_USER : undefined;
  if (!expected) return undefined;
  for (let i = 0; i < keys.length; i++) if (keys[i] !== expected[i]) return undefined;
  const s = rs as PlainObject;
  const out: unknown[] = [s.method, s.path, packObject(s.query), s.headers, packObject(s.cookies), s.host, s.remote, s.page, packResponse(s.response)];
  if (expected === WEB_KEYS_USER) out.push(s.user);
  return out;
}

function unpackWebState(w: unknown[]): PlainObject {
  // Object literals (one shape each), not a spread: the same keys in the same order as sent.
  const query = unpackObject(w[2]);
  const cookies = unpackObject(w[4]);
  const response = unpackResponse(w[8]);
  if (w.length === 10) return { method: w[0], path: w[1], query, headers: w[3], cookies, host: w[5], remote: w[6], page: w[7], user: w[9], response };
  return { method: w[0], path: w[1], query, headers: w[3], cookies, host: w[5], remote: w[6], page: w[7], response };
}

/**
 * A call as an array: [callId, scriptGen, flags, script, cwd, tag, blockKey, blockValue,
 * parentKey, parentValue, envKey, envValue, pipeData, inputData, requestState, webState].
 * Strings and kept-value keys equal to `prev`'s are 0; a key of a value sent with every call
 * is null; `webState` replaces `requestState` for a web request's.
 */
export function encodeCall(p: TaskPayload, prev: TaskPayload | undefined): CallWire {
  const web = packWebState(p.requestState);
  return [
    p.callId,
    p.scriptGen,
    (p.keptReset ? KEPT_RESET : 0) | (p.aborted ? ABORTED : 0),
    prev && prev.script === p.script ? SAME : p.script,
    prev && prev.cwd === p.cwd ? SAME : p.cwd,
    prev && prev.tag === p.tag ? SAME : p.tag,
    keyWire(p.block, prev?.block),
    p.block.value,
    keyWire(p.blockParent, prev?.blockParent),
    p.blockParent.value,
    keyWire(p.env, prev?.env),
    p.env.value,
    packObject(p.pipeData),
    packObject(p.inputData),
    web ? undefined : p.requestState,
    web,
  ];
}

function keyWire(kv: KeptValue, prev: KeptValue | undefined): string | null | 0 {
  if (kv.key === undefined) return null;
  return prev?.key === kv.key ? SAME : kv.key;
}

/** The call `encodeCall` wrote; `prev` is the call decoded before it in the same batch. */
export function decodeCall(w: CallWire, prev: TaskPayload | undefined): TaskPayload {
  const flags = w[2] as number;
  return {
    callId: w[0] as number,
    scriptGen: w[1] as number,
    keptReset: (flags & KEPT_RESET) !== 0,
    aborted: (flags & ABORTED) !== 0,
    script: w[3] === SAME ? prev!.script : (w[3] as string),
    cwd: w[4] === SAME ? prev!.cwd : (w[4] as string),
    tag: w[5] === SAME ? prev!.tag : (w[5] as string),
    block: keptFromWire(w[6], w[7], prev?.block),
    blockParent: keptFromWire(w[8], w[9], prev?.blockParent),
    env: keptFromWire(w[10], w[11], prev?.env),
    pipeData: unpackObject(w[12]) as PlainObject,
    inputData: unpackObject(w[13]) as PlainObject,
    requestState: (w[15] ? unpackWebState(w[15] as unknown[]) : w[14]) as PlainObject,
  };
}

function keptFromWire(key: unknown, value: unknown, prev: KeptValue | undefined): KeptValue {
  return { value, key: key === null ? undefined : key === SAME ? prev!.key : (key as string) };
}

/**
 * An answer as an array: [1, returned, returnedNonObject, pipeDataSet, pipeDataDeleted,
 * durationMs, response, logSeq, keptMissing] for a call that ran, [0, failure, logSeq,
 * keptMissing] for one that failed.
 */
export function encodeAnswer(a: WorkerAnswer): AnswerWire {
  const missing = a.keptMissing === true ? 1 : 0;
  if (!a.ok) return [0, a.failure, a.logSeq, missing];
  const o = a.outcome;
  return [
    1,
    packObject(o.returned),
    o.returnedNonObject ? 1 : 0,
    packObject(o.pipeDataSet),
    o.pipeDataDeleted.length === 0 ? SAME : o.pipeDataDeleted,
    o.durationMs,
    'response' in o ? packResponse(o.response) : undefined,
    a.logSeq,
    missing,
  ];
}

export function decodeAnswer(w: AnswerWire): WorkerAnswer {
  const extra: { logSeq?: number; keptMissing?: true } = {};
  if (w[0] === 0) {
    if (w[2] !== undefined) extra.logSeq = w[2] as number;
    if (w[3] === 1) extra.keptMissing = true;
    return { ok: false, failure: w[1] as Extract<WorkerAnswer, { ok: false }>['failure'], ...extra };
  }
  const outcome: { -readonly [K in keyof ScriptOutcome]: ScriptOutcome[K] } = {
    returned: unpackObject(w[1]) as PlainObject | undefined,
    returnedNonObject: w[2] === 1,
    pipeDataSet: unpackObject(w[3]) as PlainObject,
    pipeDataDeleted: w[4] === SAME ? [] : (w[4] as string[]),
    durationMs: w[5] as number,
  };
  if (w[6] !== undefined) outcome.response = unpackResponse(w[6]) as PlainObject;
  const answer: WorkerAnswer = { ok: true, outcome };
  if (w[7] !== undefined) answer.logSeq = w[7] as number;
  if (w[8] === 1) answer.keptMissing = true;
  return answer;
}
