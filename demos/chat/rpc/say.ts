import { chatRpc, checkChannel, checkMessage, post, requireMember, requireNick } from '../lib/chat.js';

/** RPC `say` ({channel, text}): a message to a channel joined; members get it over /events. */
export const processBlock = chatRpc(async (fields, requestState, ctx) => {
  const u = ctx.unidist;
  const nick = await requireNick(u, requestState);
  const channel = checkChannel(fields.channel);
  const text = checkMessage(fields.text);
  await requireMember(u, channel, nick);
  const message = await post(u, channel, 'message', nick, text);
  return { said: message.seq };
});
