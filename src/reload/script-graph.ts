/**
 * A script and the local files it imports, transitively (the files the TypeScript loader will
 * load for it; packages and `node:` built-ins are not followed), with one content key over all of
 * them. Hot reload watches these files, and restarts a RunThread when its key changes: an edit
 * to a helper module counts as an edit to every script that imports it.
 *
 * A file that does not exist (yet) is part of the graph with the key `missing`: creating it is a
 * change. Of a specifier's candidate files (`./x.js` → `x.js`, `x.ts`) the first that exists is
 * followed; when none does, all of them are watched.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { candidateFiles, importSpecifiers, isLocalSpecifier } from './import-scan.js';

export interface ScriptGraph {
  /** The script itself (absolute). */
  readonly script: string;
  /** The script and every local file it imports, transitively, absolute, sorted. */
  readonly files: readonly string[];
  /** Changes when any byte of any of `files` changes (or one appears or disappears). */
  readonly key: string;
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
        const existing: string[] = [];
        for (const c of candidates) if (await this.read(c)) existing.push(c);
        if (existing.length > 0) await visit(existing[0] as string);
        else for (const c of candidates) seen.set(c, undefined);
      }
    };
    await visit(script);
    const files = [...seen.keys()].sort();
    const hash = createHash('sha256');
    for (const f of files) {
      const bytes = seen.get(f);
      hash.update(`${f}\0${bytes ? bytes.length : 'missing'}\0`);
      if (bytes) hash.update(bytes);
    }
    return { script, files, key: hash.digest('hex').slice(0, 32) };
  }
}
