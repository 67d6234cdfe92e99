/**
 * node:v8's `serialize`, loaded on first use: importing node:v8 costs a thread ~5 ms (its
 * bindings are set up on import), which a script worker would otherwise pay at start, on the way
 * to its first result, though most never need it (pipe-data-diff.ts uses it only for Maps, Sets
 * and the like). The runner's first call needs it on the main thread (kept-value.ts).
 */
import { createRequire } from 'node:module';

type Serialize = (value: unknown) => Buffer;

let loaded: Serialize | undefined;

export function serialize(value: unknown): Buffer {
  loaded ??= (createRequire(import.meta.url)('node:v8') as { serialize: Serialize }).serialize;
  return loaded(value);
}
