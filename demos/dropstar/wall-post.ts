import type { ProcessBlock } from 'procblock';
import { appendLog } from './demo-log.js';

export const WALL = 'wall';
const KEEP = 25;
const MAX_LENGTH = 500;

/** RPC `wall_post`: a message typed on the Message wall goes to the queue `wall` (last 25 kept). */
export const processBlock: ProcessBlock = async (pipeData, _block, requestState, _inputData, ctx) => {
  const text = typeof pipeData.message === 'string' ? pipeData.message.trim() : '';
  if (text === '' || text.length > MAX_LENGTH) {
    (requestState.response as { status?: number }).status = 400;
    return { wall_status: `a message is 1 to ${MAX_LENGTH} characters` };
  }
  await ctx.unidist.queue.add(WALL, { text, time: Date.now() / 1000 }, { maxLength: KEEP });
  await appendLog(ctx.cwd, 'INFO', `wall: a message of ${text.length} characters`);
  return { wall_status: '' };
};
