import { BUCKETS, chatRpc, checkChannel, memberKey, post, requireNick } from '../lib/chat.js';

/** RPC `leave` ({channel}): leave a channel (a notice tells its members). */
export const processBlock = chatRpc(async (fields, requestState, ctx) => {
  const u = ctx.unidist;
  const nick = await requireNick(u, requestState);
  const channel = checkChannel(fields.channel);
  if (await u.state.delete(BUCKETS.members, memberKey(channel, nick))) await post(u, channel, 'leave', nick, '');
  return { left: channel };
});
