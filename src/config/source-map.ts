/**
 * Where each node of a loaded block came from. Keys are key paths (`['run', 2, 'shell']`);
 * values carry the file that holds the node, so imported nodes point into their own file.
 */
import { formatKeyPath } from '../core/errors.js';
import type { SourceLocation } from '../core/errors.js';
import type { KeyPath } from './types.js';

export interface Position {
  readonly file: string;
  readonly line: number;
  readonly col: number;
  /** The key was written quoted (`"if a == 1":`), so its text starts one column later. */
  readonly quotedKey?: boolean | undefined;
}

const encode = (path: KeyPath): string => JSON.stringify(path.map(String));

export class SourceMap {
  private readonly positions = new Map<string, Position>();

  set(path: KeyPath, pos: Position): void {
    this.positions.set(encode(path), pos);
  }

  get(path: KeyPath): Position | undefined {
    return this.positions.get(encode(path));
  }

  /** Copy every entry of `other` under `prefix` (later entries override). */
  mount(prefix: KeyPath, other: SourceMap): void {
    for (const [key, pos] of other.positions) {
      const rel = JSON.parse(key) as string[];
      this.positions.set(encode([...prefix, ...rel]), pos);
    }
  }

  /** Every entry, for the loaded-block cache (`loaded-block-cache.ts`). */
  entries(): [string, Position][] {
    return [...this.positions];
  }

  static fromEntries(entries: Iterable<[string, Position]>): SourceMap {
    const map = new SourceMap();
    for (const [k, v] of entries) map.positions.set(k, v);
    return map;
  }

  /** The node's position, else its nearest located ancestor's; at least `{file: fallbackFile}`. */
  locate(path: KeyPath, fallbackFile: string): SourceLocation {
    const keyPath = formatKeyPath(path);
    for (let n = path.length; n >= 0; n--) {
      const pos = this.positions.get(encode(path.slice(0, n)));
      if (pos) return { file: pos.file, line: pos.line, col: pos.col, keyPath };
    }
    return { file: fallbackFile, keyPath };
  }
}
