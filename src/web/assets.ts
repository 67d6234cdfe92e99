/**
 * dropSTAR's own files (`/_dropstar/client.js`, `dropstar.css`, `favicon.svg`, and the same icon
 * as `/favicon.ico`), read once from `assets/` beside this module (tools/build.mjs copies them
 * into dist/), with strong ETags from their content.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

export interface Asset {
  readonly body: Uint8Array;
  readonly type: string;
  readonly etag: string;
}

const FILES: Readonly<Record<string, string>> = {
  'client.js': 'text/javascript; charset=utf-8',
  'dropstar.css': 'text/css; charset=utf-8',
  'favicon.svg': 'image/svg+xml',
};

let loaded: ReadonlyMap<string, Asset> | undefined;

export function assets(): ReadonlyMap<string, Asset> {
  if (loaded) return loaded;
  const map = new Map<string, Asset>();
  for (const [name, type] of Object.entries(FILES)) {
    const body = readFileSync(new URL(`./assets/${name}`, import.meta.url));
    map.set(name, { body, type, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` });
  }
  loaded = map;
  return map;
}
