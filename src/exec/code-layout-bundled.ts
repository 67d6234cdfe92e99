/**
 * code-layout.ts as the CLI's bundles see it (tools/build.mjs puts this module in its place):
 * the script worker is dist/bundle/worker.cjs (piscina's worker code and ours in one CommonJS
 * file), and sucrase is dist/bundle/sucrase.cjs, loaded through V8's code cache
 * (core/code-cache.ts), whose entry is written after the first transform.
 * `import.meta.url` is the bundle's own URL here.
 */
import { fileURLToPath } from 'node:url';
import { requireBundle, saveCodeCaches } from '../core/code-cache.js';
import type { SucraseTransform } from './code-layout.js';

export type { SucraseTransform } from './code-layout.js';

export function scriptWorkerFile(): string {
  return fileURLToPath(new URL('./worker.cjs', import.meta.url));
}

export function loadTransformer(_resolveFrom: string): SucraseTransform {
  const { exports } = requireBundle(fileURLToPath(new URL('./sucrase.cjs', import.meta.url)));
  const transform = (exports as { transform: SucraseTransform }).transform;
  let saved = false;
  return (code, options) => {
    const result = transform(code, options);
    if (!saved) {
      saved = true;
      // With the functions this transform compiled; written once per build and Node version.
      saveCodeCaches();
    }
    return result;
  };
}
