import { BUCKETS, channelInfo, chatRpc, memberships, queueOf, sessionKey, sessionNick } from '../lib/chat.js';

/**
 * RPC `session` (GET): everything a page shows, read now — the nickname, every channel with its
 * topic and member count, and for each channel joined its topic, members and last 100
 * messages. The page calls it whenever its event stream (re)opens: what changed before is in
 * this answer, what changes after arrives as events.
 */
export const processBlock = chatRpc(async (_fields, requestState, ctx) => {
  const u = ctx.unidist;
  const nick = await sessionNick(u, requestState);
  const [names, all] = await Promise.all([u.state.keys(BUCKETS.channels), memberships(u)]);
  const channels = await Promise.all(
    names.sort().map(async (name) => ({
      name,
      topic: (await u.state.get<{ topic: string }>(BUCKETS.topics, name))?.topic ?? '',
      members: all.filter(([c]) => c === name).length,
    })),
  );
  const joined = nick === undefined ? [] : all.filter(([, n]) => n === nick).map(([c]) => c).sort();
  const rooms = await Promise.all(joined.map(async (c) => ({ ...(await channelInfo(u, c)), history: await u.queue.all(queueOf(c)) })));
  if (nick !== undefined) {
    // Using a nickname keeps it: another browser may take it only after a day unused.
    const key = sessionKey(requestState) as string;
    await u.state.set(BUCKETS.nicks, nick.toLowerCase(), { nick, session: key, seen: Date.now() });
  }
  return { session: { nick: nick ?? null, channels, joined: rooms } };
});
