/**
 * Reload generations of scripts (main side of `ScriptRunner.reloadScripts`): 0 until a script is
 * named in a reload, then a number no earlier reload used, which every later call of it carries
 * so that each worker loads it afresh once (script-loader.ts).
 */
import { isAbsolute } from 'node:path';
import { InputError } from '../core/errors.js';

export class ScriptGenerations {
  private readonly named = new Map<string, number>();
  /** The generation of scripts not named since the last reload of every script. */
  private all = 0;
  private seq = 0;

  of(script: string): number {
    return this.named.get(script) ?? this.all;
  }

  /** Give `scripts` (absolute paths; every script when omitted) a new generation. */
  reload(scripts?: readonly string[]): void {
    if (scripts !== undefined) {
      const bad = scripts.find((s) => typeof s !== 'string' || !isAbsolute(s));
      if (bad !== undefined) throw new InputError('PB_ERR_INVALID_ARGUMENT', `reloadScripts takes absolute script paths, got ${JSON.stringify(bad)}`);
    }
    const gen = ++this.seq;
    if (scripts === undefined) {
      this.all = gen;
      this.named.clear();
      return;
    }
    for (const s of scripts) this.named.set(s, gen);
  }
}
