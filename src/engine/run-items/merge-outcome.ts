/**
 * Applying a script's outcome to pipe data (SPEC §3.1): first the top-level changes it made to
 * its pipe-data copy (deletions, then sets), then its returned object, which wins on conflicts.
 */
import type { ScriptOutcome } from '../../exec/types.js';
import type { PipeData } from '../types.js';

export function mergeOutcome(pipeData: PipeData, outcome: ScriptOutcome, options: { returned?: boolean } = {}): void {
  for (const k of outcome.pipeDataDeleted) delete pipeData[k];
  Object.assign(pipeData, outcome.pipeDataSet);
  if (options.returned !== false && outcome.returned) Object.assign(pipeData, outcome.returned);
}
