import { BUCKETS, ChatRefusal, chatRpc, checkNick, memberKey, memberships, post, sessionKey, sessionNick, NICK_IDLE_MS } from '../lib/chat.js';

/**
 * RPC `nick` ({nick}): take a nickname, or change it (in every channel joined, with a notice).
 * Claims are made under the lock `chat.nicks`, so two browsers (in any process) never get the
 * same nickname; letter case does not make a new one. A nickname unused for a day is free again.
 */
export const processBlock = chatRpc(async (fields, requestState, ctx) => {
  const u = ctx.unidist;
  const key = sessionKey(requestState);
  if (key === undefined) throw new ChatRefusal(401, 'this browser has no chat session: reload the page');
  const nick = checkNick(fields.nick);
  const lock = await u.lock.acquire('chat.nicks', { timeout: '5s', ttl: '10s' });
  if (!lock) throw new ChatRefusal(503, 'the chat is busy: try again');
  try {
    const old = await sessionNick(u, requestState);
    const claim = await u.state.get<{ session: string; seen: number }>(BUCKETS.nicks, nick.toLowerCase());
    if (claim && claim.session !== key && Date.now() - claim.seen < NICK_IDLE_MS) throw new ChatRefusal(409, `the nickname ${nick} is taken`);
    await u.state.set(BUCKETS.nicks, nick.toLowerCase(), { nick, session: key, seen: Date.now() });
    if (old !== undefined && old.toLowerCase() !== nick.toLowerCase()) await u.state.delete(BUCKETS.nicks, old.toLowerCase());
    await u.state.set(BUCKETS.sessions, key, { nick });
    if (old !== undefined && old !== nick) {
      for (const [channel, member] of await memberships(u)) {
        if (member !== old) continue;
        await u.state.set(BUCKETS.members, memberKey(channel, nick), { channel, nick, since: Date.now() });
        await u.state.delete(BUCKETS.members, memberKey(channel, old));
        await post(u, channel, 'nick', old, nick);
      }
    }
  } finally {
    await lock.release();
  }
  return { nick };
});
