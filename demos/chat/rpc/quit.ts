import { BUCKETS, chatRpc, memberKey, memberships, post, sessionKey, sessionNick } from '../lib/chat.js';

/** RPC `quit`: leave every channel and give the nickname up (another browser may take it at once). */
export const processBlock = chatRpc(async (_fields, requestState, ctx) => {
  const u = ctx.unidist;
  const nick = await sessionNick(u, requestState);
  const key = sessionKey(requestState);
  if (nick === undefined || key === undefined) return { quit: null };
  for (const [channel, member] of await memberships(u)) {
    if (member === nick && (await u.state.delete(BUCKETS.members, memberKey(channel, nick)))) await post(u, channel, 'quit', nick, '');
  }
  const claim = await u.state.get<{ session: string }>(BUCKETS.nicks, nick.toLowerCase());
  if (claim?.session === key) await u.state.delete(BUCKETS.nicks, nick.toLowerCase());
  await u.state.delete(BUCKETS.sessions, key);
  return { quit: nick };
});
