import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { ProcessBlock } from 'procblock';

/**
 * One HTTP check of the demo server: `ms` is how long the answer took (also when it failed or
 * timed out: a failure is slow), `ok` is 1 for a 200, else 0. Before the server has written its
 * port there is nothing to check: `ok: 0`, no `ms`.
 */
export const processBlock: ProcessBlock = async (_pipeData, _block, _requestState, _inputData, ctx) => {
  let port: string;
  try {
    port = (await readFile(path.join(ctx.cwd, 'server.port'), 'utf8')).trim();
  } catch {
    return { ok: 0 };
  }
  const started = performance.now();
  try {
    const res = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.any([ctx.signal, AbortSignal.timeout(2000)]) });
    await res.text();
    return { ms: Math.round(performance.now() - started), ok: res.status === 200 ? 1 : 0 };
  } catch {
    return { ms: Math.round(performance.now() - started), ok: 0 };
  }
};
