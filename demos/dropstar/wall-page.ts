import type { ProcessBlock } from 'procblock';

const escape = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The Message wall page: the queue `wall` (read without taking), newest first, as list items. */
export const processBlock: ProcessBlock = async (_pipeData, _block, _requestState, _inputData, ctx) => {
  const messages = (await ctx.unidist.queue.all<{ text?: unknown; time?: unknown }>('wall')).reverse();
  const items = messages.map((m) => {
    const time = typeof m.time === 'number' ? `<span class="pb-time">${escape(new Date(m.time * 1000).toLocaleTimeString())}</span>` : '';
    return `<li>${time}${escape(String(m.text ?? ''))}</li>`;
  });
  return { wall_items: items.join('\n'), wall_count: messages.length };
};
