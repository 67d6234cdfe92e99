/**
 * `__import__NAME: path.yaml` (SPEC §2.5), resolved recursively while keeping every node's
 * position in the file that holds it.
 *
 * Choices where the spec is silent:
 * - Imports work at any depth: the key is replaced by `NAME` in the same mapping.
 * - When `NAME` is written in the same mapping (before or after the import) and both values are
 *   mappings, the imported keys are merged over it (shallow: imported top-level keys win).
 *   Otherwise the imported value replaces `NAME`. A new `NAME` takes the import key's place in
 *   document order. Several imports into one `NAME` apply in document order.
 * - An empty imported file imports `{}`. An imported file's top-level `__tags` are collected for
 *   the block; its `__usage` is ignored (only the top file describes the command line).
 * - Include problems (cycle, missing file, non-string path) stop loading at once: the rest of
 *   the tree cannot be known without them.
 */
import path from 'node:path';
import { InputError } from '../core/errors.js';
import type { SourceLocation } from '../core/errors.js';
import { isPlainObject } from './plain-object.js';
import { readYamlFile } from './read-yaml.js';
import { SourceMap } from './source-map.js';

const IMPORT_PREFIX = '__import__';

/** An imported file's top-level `__tags`, kept with positions for validation. */
export interface ImportedTags {
  readonly file: string;
  readonly raw: unknown;
  /** The imported file's positions (its `__tags` sit under `['__tags', ...]`). */
  readonly positions: SourceMap;
}

export interface ResolvedTree {
  readonly data: unknown;
  readonly positions: SourceMap;
  readonly files: string[];
  readonly importedTags: ImportedTags[];
}

export async function resolveImports(file: string): Promise<ResolvedTree> {
  const files: string[] = [];
  const importedTags: ImportedTags[] = [];
  const { data, positions } = await resolveFile(file, [], undefined, files, importedTags);
  return { data, positions, files, importedTags };
}

async function resolveFile(
  file: string,
  chain: readonly string[],
  from: SourceLocation | undefined,
  files: string[],
  importedTags: ImportedTags[],
): Promise<{ data: unknown; positions: SourceMap }> {
  const loaded = await readYamlFile(file, from ? { notFoundCode: 'PB_ERR_INCLUDE_NOT_FOUND', from } : {});
  if (!files.includes(file)) files.push(file);
  const out = new SourceMap();
  const ctx: Ctx = { file, chain: [...chain, file], src: loaded.positions, out, files, importedTags };
  let data = await resolveNode(loaded.data, [], [], ctx);
  if (from) {
    if (data === null || data === undefined) data = {};
    if (isPlainObject(data)) {
      const { __usage: _ignored, __tags: tags, ...rest } = data;
      // A file imported twice (a diamond) declares its tags once.
      if (tags !== undefined && !importedTags.some((t) => t.file === file)) {
        importedTags.push({ file, raw: tags, positions: out });
      }
      data = rest;
    }
  }
  return { data, positions: out };
}

interface Ctx {
  readonly file: string;
  readonly chain: readonly string[];
  /** Positions in this file, by path in this file. */
  readonly src: SourceMap;
  /** Positions in the resolved tree, by path in the resolved tree (relative to this file's root). */
  readonly out: SourceMap;
  readonly files: string[];
  readonly importedTags: ImportedTags[];
}

async function resolveNode(
  value: unknown,
  srcPath: (string | number)[],
  outPath: (string | number)[],
  ctx: Ctx,
): Promise<unknown> {
  const pos = ctx.src.get(srcPath);
  if (pos) ctx.out.set(outPath, pos);
  if (Array.isArray(value)) {
    const items: unknown[] = [];
    for (let i = 0; i < value.length; i++) {
      items.push(await resolveNode(value[i], [...srcPath, i], [...outPath, i], ctx));
    }
    return items;
  }
  if (!isPlainObject(value)) return value;

  const result: Record<string, unknown> = {};
  const imports: { key: string; name: string }[] = [];
  for (const [key, child] of Object.entries(value)) {
    if (key.startsWith(IMPORT_PREFIX) && key.length > IMPORT_PREFIX.length) {
      const name = key.slice(IMPORT_PREFIX.length);
      imports.push({ key, name });
      if (!Object.prototype.hasOwnProperty.call(value, name) && !(name in result)) result[name] = undefined;
      continue;
    }
    result[key] = await resolveNode(child, [...srcPath, key], [...outPath, key], ctx);
  }

  for (const { key, name } of imports) {
    const keyLoc = ctx.src.locate([...srcPath, key], ctx.file);
    const target = value[key];
    if (typeof target !== 'string' || target.trim() === '') {
      throw new InputError(
        'PB_ERR_VALIDATION',
        `${key} must be the path of a YAML file (relative to ${path.basename(ctx.file)}), got ${JSON.stringify(target)}`,
        { location: keyLoc },
      );
    }
    const importedFile = path.resolve(path.dirname(ctx.file), target);
    if (ctx.chain.includes(importedFile)) {
      const cycle = [...ctx.chain.slice(ctx.chain.indexOf(importedFile)), importedFile];
      throw new InputError(
        'PB_ERR_INCLUDE_CYCLE',
        `include cycle: ${cycle.join(' → ')}; an imported file must not import (directly or not) a file that imports it`,
        { location: keyLoc },
      );
    }
    const sub = await resolveFile(importedFile, ctx.chain, keyLoc, ctx.files, ctx.importedTags);
    const namePath = [...outPath, name];
    const existing = result[name];
    if (isPlainObject(existing) && isPlainObject(sub.data)) {
      result[name] = { ...existing, ...sub.data };
      const rootPos = ctx.out.get(namePath);
      ctx.out.mount(namePath, sub.positions);
      if (rootPos) ctx.out.set(namePath, rootPos);
    } else {
      result[name] = sub.data;
      ctx.out.mount(namePath, sub.positions);
    }
  }
  return result;
}
