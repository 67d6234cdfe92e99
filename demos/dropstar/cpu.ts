import { execFile } from 'node:child_process';
import path from 'node:path';
import type { ProcessBlock } from 'procblock';
import { appendLog } from './demo-log.js';

/**
 * The CPU tab's RunThread: runs `sh cpu.sh` and parses its `key value` lines into fields
 * (user, system, iowait, steal, idle; percent), also kept in state `cpu.latest` for the page.
 * One line of the demo log per tick, its level chosen by how busy the CPUs are.
 *
 * This is what a `shell:` RunThread with `parse: kv` will do by itself (SPEC §3.2); until shell
 * items can be RunThreads, this script runs the command.
 */
export const processBlock: ProcessBlock = async (_pipeData, _block, _requestState, _inputData, ctx) => {
  const stdout = await new Promise<string>((resolve, reject) => {
    // Its own process group, like procblock's shell items: a Ctrl-C in the terminal reaches
    // procblock, which stops this through ctx.signal, not the command directly.
    execFile('/bin/sh', [path.join(ctx.cwd, 'cpu.sh'), '0.5'], { signal: ctx.signal, timeout: 10_000, detached: true }, (err, out) => (err ? reject(err) : resolve(out)));
  });
  const fields: Record<string, number> = {};
  for (const line of stdout.split('\n')) {
    const m = /^(\w+)\s+(-?[\d.]+)$/.exec(line.trim());
    if (m) fields[m[1] as string] = Number(m[2]);
  }
  const busy = 100 - (fields.idle ?? 0);
  const level = busy >= 90 ? 'ERROR' : busy >= 70 ? 'WARN' : 'INFO';
  await appendLog(ctx.cwd, level, `cpu: ${busy.toFixed(1)}% busy (user ${fields.user}%, system ${fields.system}%, iowait ${fields.iowait}%)`);
  const result = { ...fields, busy: Math.round(busy * 100) / 100 };
  // The CPU page shows the latest figures before the next tick reaches it over /events.
  await ctx.unidist.state.set('cpu', 'latest', result);
  return result;
};
