/** LazyAbortController (src/core/lazy-abort.ts): an AbortController whose signal is made on first use. */
import { describe, expect, it } from 'vitest';
import { LazyAbortController } from '../../src/core/lazy-abort.js';

describe('LazyAbortController', () => {
  it('a signal made before the abort is aborted by it, with its reason, once', () => {
    const c = new LazyAbortController();
    const signal = c.signal;
    expect(c.signal).toBe(signal);
    let calls = 0;
    signal.addEventListener('abort', () => calls++);
    expect(c.aborted).toBe(false);
    const reason = new Error('timed out');
    c.abort(reason);
    c.abort(new Error('second'));
    expect(c.aborted).toBe(true);
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBe(reason);
    expect(calls).toBe(1);
  });

  it('a signal first asked for after the abort is made aborted, with the first reason', () => {
    const c = new LazyAbortController();
    const reason = { code: 'PB_ERR_ABORTED' };
    c.abort(reason);
    c.abort('later');
    expect(c.aborted).toBe(true);
    expect(c.signal.aborted).toBe(true);
    expect(c.signal.reason).toBe(reason);
  });

  it('without a reason, the signal carries the AbortError an AbortController gives', () => {
    const early = new LazyAbortController();
    early.abort();
    const late = new LazyAbortController();
    const signal = late.signal;
    late.abort();
    for (const s of [early.signal, signal]) expect((s.reason as Error).name).toBe('AbortError');
  });

  it('onAbort watches without a signal: called once at the abort, not after stop, not when aborted already', () => {
    const c = new LazyAbortController();
    const calls: string[] = [];
    c.onAbort(() => calls.push(`a:${String(c.reason)}`));
    const stop = c.onAbort(() => calls.push('stopped'));
    stop();
    expect(c.reason).toBeUndefined();
    c.abort('why');
    c.abort('again');
    expect(calls).toEqual(['a:why']);
    c.onAbort(() => calls.push('late'));
    expect(calls).toEqual(['a:why']);
    expect(c.signal.reason).toBe('why');
  });
});
