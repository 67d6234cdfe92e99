/**
 * A script and the local files it imports, transitively (the files the TypeScript loader will
 * load for it; packages and `node:` built-ins are not followed), with one content key over all of
 * them. Hot reload watches these files, and restarts a RunThread when its key changes: an edit
 * to a helper module counts as an edit to every script that imports it.
 *
 * A file that does not exist (yet) is part of the graph with the key `missing`: creating it is a
 * change. Of a specifier's candidate files (`./x.js` → `x.js`, `x.ts`) the first that exists is
 * followed, and the missing ones tried before it are watched (creating one changes what loads).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bytesKey, textKey } from '../core/content-key.js';
import { candidateFiles, importSpecifiers, isLocalSpecifier } from './import-scan.js';

export interface ScriptGraph {
  /** The script itself (absolute). */
  readonly script: string;
  /** The script and every local file it imports, transitively, absolute, sorted. */
  readonly files: readonly string[];
  /** Changes when any byte of any of `files` changes (or one appears or disappears). */
  readonly key: string;
}

/** The content key of a file's bytes, or `missing`. */
export function contentKey(bytes: Uint8Array | undefined): string {
  return bytes ? bytesKey(bytes) : 'missing';
}

/** Reads files at most once per call, so scripts sharing helpers cost one read of each helper. */
export class ScriptGraphReader {
  private readonly contents = new Map<string, Promise<Buffer | undefined>>();

  read(file: string): Promise<Buffer | undefined> {
    let p = this.contents.get(file);
    if (!p) {
      p = readFile(file).catch(() => undefined);
      this.contents.set(file, p);
    }
    return p;
  }

  async graph(script: string): Promise<ScriptGraph> {
    const seen = new Map<string, Buffer | undefined>();
    const visit = async (file: string): Promise<void> => {
      if (seen.has(file)) return;
      const bytes = await this.read(file);
      seen.set(file, bytes);
      if (!bytes || !/\.[cm]?[jt]sx?$/.test(file)) return;
      for (const spec of importSpecifiers(bytes.toString('utf8'))) {
        if (!isLocalSpecifier(spec)) continue;
        const base = spec.startsWith('file:') ? fileURLToPath(spec) : path.resolve(path.dirname(file), spec);
        const candidates = spec.startsWith('file:') ? [base] : candidateFiles(base);
        // The loader takes the first candidate that exists; the ones before it are watched too
        // (creating one would change what loads), and all of them when none exists.
        for (const c of candidates) {
          if (await this.read(c)) {
            await visit(c);
            break;
          }
          if (!seen.has(c)) seen.set(c, undefined);
        }
      }
    };
    await visit(script);
    const files = [...seen.keys()].sort();
    // The content keys the transform cache uses (core/content-key.ts), one per file, named by path.
    const key = textKey(files.map((f) => `${f}\0${contentKey(seen.get(f))}`).join('\0'));
    return { script, files, key };
  }
}
