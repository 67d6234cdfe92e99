/**
 * Load a block file (SPEC §2.5, §2.6): YAML with positions, imports resolved, validated (schema +
 * semantic checks, every problem reported at once), `__usage` and `__tags` extracted, frozen.
 *
 * Choices where the spec is silent:
 * - The top level must be a mapping. The original's blog shows `simplest.yaml` as a run list,
 *   but its printed result (`{'run': {...}}`) shows that list sat under `run:`; a top-level
 *   list is a schema error suggesting exactly that. An empty file is the empty block `{}`.
 * - `loadBlock` validates by default (SPEC §2.6: loading validates); `{validate: false}` skips
 *   the checks (tools that only want the data). `checkBlock` always validates.
 */
import path from 'node:path';
import { InputError } from '../core/errors.js';
import type { SourceLocation } from '../core/errors.js';
import { extractCustomTags } from './custom-tags.js';
import { deepFreeze } from './deep-freeze.js';
import { resolveImports } from './imports.js';
import { isPlainObject } from './plain-object.js';
import { throwProblems } from './problems.js';
import type { ValidationProblem } from './problems.js';
import { describe, schemaProblems } from './schema-check.js';
import { semanticProblems } from './semantic-check.js';
import type { SourceMap } from './source-map.js';
import type { CustomTagSpec, KeyPath, LoadedBlock } from './types.js';
import { extractUsage } from './usage.js';

export interface LoadBlockOptions {
  /** Run schema and semantic validation (default true). */
  readonly validate?: boolean | undefined;
}

export async function loadBlock(file: string, options: LoadBlockOptions = {}): Promise<LoadedBlock> {
  return (await loadBlockWithPositions(file, options)).block;
}

/** `loadBlock`, also returning the position map (the loaded-block cache stores it). */
export async function loadBlockWithPositions(file: string, options: LoadBlockOptions = {}): Promise<{ block: LoadedBlock; positions: SourceMap }> {
  const validate = options.validate ?? true;
  const absFile = path.resolve(file);
  const dir = path.dirname(absFile);
  const tree = await resolveImports(absFile);
  const positions = tree.positions;
  const locate = (p: KeyPath): SourceLocation => positions.locate(p, absFile);

  let data: Record<string, unknown>;
  if (tree.data === null || tree.data === undefined) data = {};
  else if (isPlainObject(tree.data)) data = tree.data;
  else {
    const hint = Array.isArray(tree.data) ? ' (a list of run items goes under a `run:` key)' : '';
    throw new InputError('PB_ERR_SCHEMA', `a block must be a mapping of tags, got ${describe(tree.data)}${hint}`, {
      location: locate([]),
    });
  }

  const problems: ValidationProblem[] = [];
  const sink = validate ? problems : undefined;
  const tags: CustomTagSpec[] = extractCustomTags(data['__tags'], locate, sink);
  for (const imported of tree.importedTags) {
    tags.push(...extractCustomTags(imported.raw, (p) => imported.positions.locate(p, imported.file), sink));
  }
  if (validate) {
    problems.push(...schemaProblems(data, locate, tags));
    for (const imported of tree.importedTags) {
      const importedLocate = (p: KeyPath): SourceLocation => imported.positions.locate(p, imported.file);
      problems.push(...schemaProblems({ __tags: imported.raw }, importedLocate));
    }
  }
  const usage = extractUsage(data['__usage'], dir);
  const { __usage: _usage, __tags: _tags, ...rest } = data;

  if (validate) {
    problems.push(...semanticProblems(rest, tags, locate, (p) => positions.get(p)));
    if (problems.length > 0) throwProblems(absFile, problems, tree.files);
  }

  const block: LoadedBlock = Object.freeze({
    file: absFile,
    dir,
    data: deepFreeze(rest),
    usage: usage && deepFreeze(usage),
    tags: Object.freeze(tags.map((t) => Object.freeze(t))),
    files: Object.freeze([...tree.files]),
    locate,
  });
  return { block, positions };
}

/** Load and validate (`procblock --check`): resolves when the block is valid, else throws every problem. */
export function checkBlock(file: string): Promise<LoadedBlock> {
  return loadBlock(file, { validate: true });
}
