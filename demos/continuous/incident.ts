import { appendFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ProcessBlock } from 'procblock';

interface Alert {
  name: string;
  thread: string;
  state: 'firing' | 'resolved';
  since: number;
  value: number | null;
  repeat: boolean;
}

/**
 * The operator's procedure for the `slow` alert (run when it fires, every `repeat` while it
 * fires, and when it resolves): open an incident file with what a person would look at first,
 * note each reminder, close it when the checks are fast again. The open incident's file name is
 * kept in unidist state, so a restart of the block continues the same incident.
 */
export const processBlock: ProcessBlock = async (pipeData, _block, _requestState, _inputData, ctx) => {
  const alert = pipeData.alert as Alert;
  const at = new Date(alert.since * 1000).toISOString();
  const value = alert.value === null ? 'unknown' : `${alert.value.toFixed(0)}%`;
  const dir = path.join(ctx.cwd, 'incidents');
  await mkdir(dir, { recursive: true });
  if (alert.state === 'firing' && !alert.repeat) {
    const file = path.join(dir, `${at.replace(/[:.]/g, '-')}-${alert.thread}-${alert.name}.md`);
    await ctx.unidist.state.set('incidents', alert.name, file);
    await writeFile(
      file,
      [
        `# Incident: ${alert.thread}/${alert.name}`,
        '',
        `- opened: ${at}`,
        `- checks under 200 ms (last 20): ${value}; the goal is 80%`,
        `- last check: ${String(pipeData.ms ?? 'no answer')} ms, ok=${String(pipeData.ok ?? 0)}`,
        '',
        'Procedure: look at web.png and sla.png; check the server (load, delay.txt);',
        'if it is an upstream slowdown, note it here and wait for the checks to recover.',
        '',
      ].join('\n'),
    );
    ctx.log.warn(`incident opened: ${file}`);
    return { incident: file };
  }
  const file = (await ctx.unidist.state.get<string>('incidents', alert.name)) ?? path.join(dir, `${alert.thread}-${alert.name}.md`);
  if (alert.state === 'firing') {
    await appendFile(file, `- ${new Date().toISOString()}: still slow (${value} fast)\n`);
    return { incident: file };
  }
  await appendFile(file, `- resolved: ${at} (${value} of the last 20 checks under 200 ms)\n`);
  await ctx.unidist.state.delete('incidents', alert.name);
  ctx.log.info(`incident resolved: ${file}`);
  return { incident: file };
};
