/**
 * Where the exec layer's thread code lives, as compiled by tsc (the library, dist/exec/): the
 * script worker entry beside this module, and sucrase from node_modules.
 *
 * The CLI's bundles (tools/build.mjs, dist/bundle/) replace this module with
 * code-layout-bundled.ts: there a script worker is one CommonJS file and sucrase a bundle of its
 * own, loaded through V8's code cache. Both modules export the same functions.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

export type SucraseTransform = (
  code: string,
  options: { transforms: string[]; disableESTransforms: boolean; filePath: string; keepUnusedImports?: boolean },
) => { code: string };

/** The file piscina runs in each script worker thread. */
export function scriptWorkerFile(): string {
  return fileURLToPath(new URL('./worker.js', import.meta.url));
}

/** sucrase's `transform`, resolved from `resolveFrom` (a file: URL). Loading it costs ~30 ms: call on first need. */
export function loadTransformer(resolveFrom: string): SucraseTransform {
  return (createRequire(resolveFrom)('sucrase') as { transform: SucraseTransform }).transform;
}
