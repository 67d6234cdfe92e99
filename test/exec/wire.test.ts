// The wire form of calls and answers (src/exec/wire.ts): what a worker decodes is what the
// structured clone of the object form would have given, key order included; only the frame is
// positional. Each round trip here goes through structuredClone, as across a thread.
import { describe, expect, it } from 'vitest';
import type { TaskPayload, WorkerAnswer } from '../../src/exec/protocol.js';
import { decodeAnswer, decodeCall, encodeAnswer, encodeCall } from '../../src/exec/wire.js';

function webState(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    method: 'GET',
    path: '/rpc/x',
    query: {},
    headers: { host: 'localhost:1', connection: 'keep-alive' },
    cookies: {},
    host: 'localhost:1',
    remote: '127.0.0.1',
    page: 'x',
    ...extra,
    response: { headers: {}, cookies: {} },
  };
}

function payload(callId: number, over: Partial<TaskPayload> = {}): TaskPayload {
  return {
    callId,
    script: '/srv/a.mjs',
    scriptGen: 0,
    pipeData: {},
    block: { value: undefined, key: 'k-block' },
    blockParent: { value: { run: [{ script: 'a.mjs' }] }, key: 'k-parent' },
    keptReset: false,
    requestState: webState(),
    inputData: {},
    tag: 'run',
    cwd: '/srv',
    env: { value: undefined, key: 'k-env' },
    aborted: false,
    ...over,
  };
}

/** Encode a batch, clone it as postMessage would, decode it as the worker does. */
function roundTrip(calls: TaskPayload[]): TaskPayload[] {
  const wire: unknown[][] = [];
  let prev: TaskPayload | undefined;
  for (const c of calls) {
    wire.push(encodeCall(c, prev));
    prev = c;
  }
  const cloned = structuredClone(wire);
  const out: TaskPayload[] = [];
  let last: TaskPayload | undefined;
  for (const w of cloned) out.push((last = decodeCall(w, last)));
  return out;
}

const answerTrip = (a: WorkerAnswer): WorkerAnswer => decodeAnswer(structuredClone(encodeAnswer(a)));

describe('wire form of script calls', () => {
  it('gives the worker what a structured clone of each call would, key order included', () => {
    const calls = [
      payload(1),
      payload(2, { requestState: webState({ user: 'ops' }), pipeData: { a: 1, when: new Date(5) }, inputData: { q: ['x', 'y'] } }),
      payload(3, { script: '/srv/b.mjs', cwd: '/srv/sub', tag: 'page', keptReset: true, aborted: true, scriptGen: 4 }),
      payload(4, { requestState: { custom: 1, nested: { m: new Map([[1, 2]]) } }, block: { value: [1, 2], key: undefined } }),
      payload(5, { requestState: { ...webState(), extra: true } }),
    ];
    const got = roundTrip(calls);
    const expected = structuredClone(calls);
    expect(got).toStrictEqual(expected);
    for (let i = 0; i < got.length; i++) {
      expect(Object.keys(got[i]!.requestState)).toEqual(Object.keys(calls[i]!.requestState));
    }
  });

  it('sends a string or key the call before it in the batch had only once', () => {
    const a = payload(1);
    const b = payload(2);
    const w = encodeCall(b, a);
    expect(w.filter((v) => v === '/srv/a.mjs' || v === 'k-block' || v === 'k-env' || v === '/srv' || v === 'run')).toEqual([]);
    // A value sent with every call (no key) is never taken from the call before.
    const c = payload(3, { block: { value: { x: 1 }, key: undefined } });
    expect(roundTrip([payload(1, { block: { value: { y: 2 }, key: undefined } }), c])[1]!.block).toEqual({ value: { x: 1 }, key: undefined });
  });

  it('packs only empty plain objects: a Map, an object with a prototype or with keys travels as itself', () => {
    class Thing {}
    const calls = [payload(1, { pipeData: { m: 1 }, inputData: new Map([[1, 2]]) as unknown as Record<string, unknown> }), payload(2, { inputData: new Thing() as Record<string, unknown> })];
    const got = roundTrip(calls);
    expect(got[0]!.pipeData).toEqual({ m: 1 });
    expect(got[0]!.inputData).toBeInstanceOf(Map);
    expect([...(got[0]!.inputData as unknown as Map<number, number>)]).toEqual([[1, 2]]);
    expect(got[1]!.inputData).toEqual({});
    // Each empty object arrives as an object of its own.
    expect(got[0]!.requestState.query).not.toBe(got[0]!.requestState.cookies);
  });

  it('a response with something set travels as itself; the empty one arrives as {headers: {}, cookies: {}}', () => {
    const set = webState();
    set.response = { headers: { 'x-a': '1' }, cookies: {}, status: 201 };
    const got = roundTrip([payload(1, { requestState: set }), payload(2)]);
    expect(got[0]!.requestState.response).toEqual({ headers: { 'x-a': '1' }, cookies: {}, status: 201 });
    expect(got[1]!.requestState.response).toEqual({ headers: {}, cookies: {} });
  });
});

describe('wire form of answers', () => {
  it('round-trips outcomes: empty and set values, the response, log count and a missing kept value', () => {
    const answers: WorkerAnswer[] = [
      { ok: true, outcome: { returned: {}, returnedNonObject: false, pipeDataSet: {}, pipeDataDeleted: [], durationMs: 0.25, response: { headers: {}, cookies: {} } }, logSeq: 3 },
      { ok: true, outcome: { returned: undefined, returnedNonObject: true, pipeDataSet: { a: [1] }, pipeDataDeleted: ['gone'], durationMs: 1 } },
      { ok: true, outcome: { returned: { r: new Date(1) }, returnedNonObject: false, pipeDataSet: {}, pipeDataDeleted: [], durationMs: 2, response: { headers: { a: 'b' }, cookies: {} } }, logSeq: 0 },
      { ok: false, failure: { code: 'PB_ERR_SCRIPT_THROW', message: 'm', errorName: 'Error', errorMessage: 'e', stack: 's', file: '/srv/a.mjs' }, logSeq: 1, keptMissing: true },
      { ok: false, failure: { code: 'PB_ERR_SCRIPT_NOT_FOUND', message: 'm', errorName: 'Error', errorMessage: 'e', stack: undefined } },
    ];
    for (const a of answers) expect(answerTrip(a)).toStrictEqual(structuredClone(a));
    // No `response` key at all when the call had none (not `response: undefined`).
    expect('response' in (answerTrip(answers[1]!) as { outcome: object }).outcome).toBe(false);
  });
});
