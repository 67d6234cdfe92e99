/**
 * Load and validate a new version of the running block, in full, before anything is swapped
 * (SPEC §8): the same checks as `procblock --check` (YAML, schema, semantic checks), then every
 * script whose code is new or changed is transformed and imported in a scratch worker (a syntax
 * error or a missing `processBlock` is caught here, not on the next tick). Throws the problems
 * (RejectedVersion: the ProcblockError with file:line, and the files to watch); resolves with the new version's plan and its diff against the
 * running one.
 */
import { loadBlock } from '../config/load-block.js';
import path from 'node:path';
import { isProcblockError, ProcblockError, type ErrorCode, type Problem } from '../core/errors.js';
import { checkScripts, type LoadVerdict } from '../exec/check-scripts.js';
import { planBlock, type BlockPlan } from './block-plan.js';
import { diffBlocks, type BlockDiff } from './diff.js';
import { ScriptGraphReader } from './script-graph.js';

export interface LoadedVersion {
  readonly plan: BlockPlan;
  readonly diff: BlockDiff;
}

/** A version that did not validate, and the files to watch so that fixing it reloads. */
export class RejectedVersion extends Error {
  constructor(
    readonly error: unknown,
    readonly watch: readonly string[],
  ) {
    super('the new version is not valid');
  }
}

export interface LoadVersionOptions {
  /** How long a script may take to load in the scratch worker. */
  readonly scriptLoadTimeoutMs: number;
}

export async function loadVersion(
  file: string,
  running: BlockPlan,
  previousKeys: ReadonlyMap<string, string>,
  options: LoadVersionOptions,
): Promise<LoadedVersion> {
  let block;
  try {
    block = await loadBlock(file, { validate: true });
  } catch (e) {
    throw new RejectedVersion(e, filesNamedBy(e));
  }
  const plan = await planBlock(block, new ScriptGraphReader());
  const toCheck = [...plan.scripts.values()].filter((g) => previousKeys.get(g.script) !== g.key).map((g) => g.script);
  if (toCheck.length > 0) {
    const verdicts = await checkScripts(toCheck, { timeoutMs: options.scriptLoadTimeoutMs });
    const failures = toCheck.flatMap((s) => {
      const v = verdicts.get(s);
      return v && !v.ok ? [v] : [];
    });
    if (failures.length > 0) throw new RejectedVersion(scriptProblems(failures), plan.watch);
  }
  return { plan, diff: diffBlocks(running, plan, previousKeys) };
}

/** Files an error points at (its location and its problems'): they are watched until fixed. */
function filesNamedBy(e: unknown): string[] {
  if (!isProcblockError(e)) return [];
  const files = [e.location?.file, ...e.problems.map((p) => p.location?.file)];
  return files.filter((f): f is string => typeof f === 'string' && path.isAbsolute(f));
}

function scriptProblems(failures: readonly Extract<LoadVerdict, { ok: false }>[]): ProcblockError {
  const problems: Problem[] = failures.map((f) => ({
    message: f.message,
    location: f.file === undefined ? undefined : { file: f.file, line: f.line, col: f.col },
  }));
  const codes = new Set<ErrorCode>(failures.map((f) => f.code));
  const code: ErrorCode = codes.size === 1 ? (failures[0] as { code: ErrorCode }).code : 'PB_ERR_VALIDATION';
  const first = problems[0] as Problem;
  if (problems.length === 1) return new ProcblockError(code, first.message, { location: first.location });
  return new ProcblockError(code, `${problems.length} scripts do not load (each listed below)`, { problems });
}
