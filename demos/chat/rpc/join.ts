import { BUCKETS, channelInfo, chatRpc, checkChannel, isMember, memberKey, post, queueOf, requireNick } from '../lib/chat.js';

/** RPC `join` ({channel}): join a channel, creating it when it does not exist yet (as IRC does). */
export const processBlock = chatRpc(async (fields, requestState, ctx) => {
  const u = ctx.unidist;
  const nick = await requireNick(u, requestState);
  const channel = checkChannel(fields.channel);
  if (!(await u.state.has(BUCKETS.channels, channel))) await u.state.set(BUCKETS.channels, channel, { name: channel, created: Date.now(), by: nick });
  if (!(await isMember(u, channel, nick))) {
    await u.state.set(BUCKETS.members, memberKey(channel, nick), { channel, nick, since: Date.now() });
    await post(u, channel, 'join', nick, '');
  }
  return { room: { ...(await channelInfo(u, channel)), history: await u.queue.all(queueOf(channel)) } };
});
