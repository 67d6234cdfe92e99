import { readFile } from 'node:fs/promises';
import type { ProcessBlock } from 'procblock';
import { logFile } from './demo-log.js';

const LINES = 30;
const escape = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The Log tail tab: the last lines of the demo log, newest first, each tagged with its level
 * (`level-info`, `level-warn`, ...) for colour. `log_lines` is for the page client (a list it
 * renders on every poll), `log_items` the same as HTML for the first render.
 */
export const processBlock: ProcessBlock = async (_pipeData, _block, _requestState, _inputData, ctx) => {
  let text = '';
  try {
    text = await readFile(logFile(ctx.cwd), 'utf8');
  } catch {
    // no log yet
  }
  const lines = text.split('\n').filter((l) => l.trim() !== '').slice(-LINES).reverse();
  const log_lines = lines.map((line) => {
    const m = /^\S+\s+(DEBUG|INFO|WARN|ERROR)\b/.exec(line);
    return { text: line, class: `level-${(m?.[1] ?? 'INFO').toLowerCase()}` };
  });
  return {
    log_lines,
    log_items: log_lines.map((l) => `<li class="${l.class}">${escape(l.text)}</li>`).join('\n'),
    log_count: log_lines.length,
  };
};
