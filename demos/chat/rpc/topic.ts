import { BUCKETS, chatRpc, checkChannel, checkTopic, post, requireMember, requireNick } from '../lib/chat.js';

/** RPC `topic` ({channel, topic}): set a joined channel's topic ('' clears it), with a notice. */
export const processBlock = chatRpc(async (fields, requestState, ctx) => {
  const u = ctx.unidist;
  const nick = await requireNick(u, requestState);
  const channel = checkChannel(fields.channel);
  const topic = checkTopic(fields.topic);
  await requireMember(u, channel, nick);
  await u.state.set(BUCKETS.topics, channel, { topic, by: nick, time: Date.now() });
  await post(u, channel, 'topic', nick, topic);
  return { topic };
});
