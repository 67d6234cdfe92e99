/**
 * No Relay Chat's model on unidist (shared by the page and RPC scripts). Everything lives in
 * unidist state and queues, so one process (memory back end) or several (Redis) serve one chat:
 *
 *   state  chat.sessions   sha256(session cookie) → {nick}        who a browser is
 *   state  chat.nicks      lower-case nick → {nick, session, seen}   who holds a nickname
 *   state  chat.channels   channel → {name, created, by}
 *   state  chat.topics     channel → {topic, by, time}
 *   state  chat.members    "<channel>/<nick>" → {channel, nick, since}
 *   queue  chat.msg.<channel>   the last 100 messages and notices: {seq, kind, nick, text, time}
 *   counter chat.seq.<channel>  the channel's message sequence (the order every page shows)
 *   lock   chat.post.<channel>  held while a message gets its number and joins the queue
 *   lock   chat.nicks           held while a nickname is claimed
 *
 * Pages subscribe to `queue:*` and `state:chat.channels state:chat.topics state:chat.members`
 * (/events is open to every page of the site, so nothing a page may not see is in those): the
 * session bucket is keyed by a hash of the cookie, never the cookie itself.
 */
import { createHash } from 'node:crypto';
import type { ProcessBlock, ScriptContext, Unidist } from 'procblock';

export const SESSION_COOKIE = 'nrc_session';
export const HISTORY = 100;
/** A nickname unused this long may be taken by another browser. */
export const NICK_IDLE_MS = 24 * 3600 * 1000;
export const BUCKETS = Object.freeze({
  sessions: 'chat.sessions',
  nicks: 'chat.nicks',
  channels: 'chat.channels',
  topics: 'chat.topics',
  members: 'chat.members',
});
export const queueOf = (channel: string): string => `chat.msg.${channel}`;
const seqOf = (channel: string): string => `chat.seq.${channel}`;
export const memberKey = (channel: string, nick: string): string => `${channel}/${nick}`;

export type MessageKind = 'message' | 'join' | 'leave' | 'topic' | 'nick' | 'quit';
export interface ChatMessage {
  readonly seq: number;
  readonly kind: MessageKind;
  readonly nick: string;
  readonly text: string;
  /** Epoch ms. */
  readonly time: number;
}
export interface ChannelInfo {
  readonly channel: string;
  readonly topic: string;
  readonly members: string[];
}

/** A request the chat refuses: the RPC answers `status` with `{error}`. */
export class ChatRefusal extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

// Control characters (C0, DEL, C1) and the line/paragraph separators never go into a name or a line.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

function cleanText(value: unknown, what: string, min: number, max: number): string {
  const text = typeof value === 'string' ? value.replace(CONTROL, ' ').trim() : '';
  if (text.length < min || text.length > max) throw new ChatRefusal(400, `${what} must be ${min} to ${max} characters`);
  return text;
}

/** Any printable text, 1 to 40 characters: a nickname is shown as text wherever it appears. */
export const checkNick = (v: unknown): string => cleanText(v, 'a nickname', 1, 40);
export const checkMessage = (v: unknown): string => cleanText(v, 'a message', 1, 500);
export const checkTopic = (v: unknown): string => cleanText(v, 'a topic', 0, 200);

/** `#General` → `general`: lower-case letters, digits, `-` and `_`, 1 to 30 characters. */
export function checkChannel(v: unknown): string {
  const name = typeof v === 'string' ? v.trim().replace(/^#/, '').toLowerCase() : '';
  if (!/^[a-z0-9][a-z0-9_-]{0,29}$/.test(name)) throw new ChatRefusal(400, 'a channel name is 1 to 30 letters, digits, - or _ (after an optional #)');
  return name;
}

/** The session's key in chat.sessions (a hash of the cookie), or undefined without a cookie. */
export function sessionKey(requestState: Readonly<Record<string, unknown>>): string | undefined {
  const cookie = (requestState.cookies as Record<string, string> | undefined)?.[SESSION_COOKIE];
  if (typeof cookie !== 'string' || cookie.length < 16) return undefined;
  return createHash('sha256').update(cookie).digest('hex').slice(0, 32);
}

export async function sessionNick(u: Unidist, requestState: Readonly<Record<string, unknown>>): Promise<string | undefined> {
  const key = sessionKey(requestState);
  if (key === undefined) return undefined;
  return (await u.state.get<{ nick: string }>(BUCKETS.sessions, key))?.nick;
}

export async function requireNick(u: Unidist, requestState: Readonly<Record<string, unknown>>): Promise<string> {
  const nick = await sessionNick(u, requestState);
  if (nick === undefined) throw new ChatRefusal(401, 'choose a nickname first');
  return nick;
}

/**
 * Append to a channel (the last 100 are kept): the next sequence number and the add happen under
 * the channel's lock, so the queue holds its messages in sequence order whichever process added
 * them, and every page shows them in that one order.
 */
export async function post(u: Unidist, channel: string, kind: MessageKind, nick: string, text: string): Promise<ChatMessage> {
  const lock = await u.lock.acquire(`chat.post.${channel}`, { timeout: '5s', ttl: '5s' });
  if (!lock) throw new ChatRefusal(503, 'the chat is busy: try again');
  try {
    const seq = await u.counter.increment(seqOf(channel));
    const message: ChatMessage = { seq, kind, nick, text, time: Date.now() };
    await u.queue.add(queueOf(channel), message, { maxLength: HISTORY });
    return message;
  } finally {
    await lock.release();
  }
}

/** [channel, nick] of every membership (the channel name has no `/`; a nickname may). */
export async function memberships(u: Unidist): Promise<[string, string][]> {
  return (await u.state.keys(BUCKETS.members)).map((k) => {
    const slash = k.indexOf('/');
    return [k.slice(0, slash), k.slice(slash + 1)];
  });
}

export async function channelInfo(u: Unidist, channel: string): Promise<ChannelInfo> {
  const [topic, all] = await Promise.all([u.state.get<{ topic: string }>(BUCKETS.topics, channel), memberships(u)]);
  const members = all.filter(([c]) => c === channel).map(([, n]) => n);
  return { channel, topic: topic?.topic ?? '', members: members.sort((a, b) => a.localeCompare(b)) };
}

export async function isMember(u: Unidist, channel: string, nick: string): Promise<boolean> {
  return u.state.has(BUCKETS.members, memberKey(channel, nick));
}

export async function requireMember(u: Unidist, channel: string, nick: string): Promise<void> {
  if (!(await isMember(u, channel, nick))) throw new ChatRefusal(403, `join #${channel} first`);
}

type Handler = (fields: Readonly<Record<string, unknown>>, requestState: Readonly<Record<string, unknown>>, ctx: ScriptContext) => Promise<Record<string, unknown>>;

/** An RPC script: a refusal becomes its status and `{error}`; anything else is a failure (500). */
export function chatRpc(handler: Handler): ProcessBlock {
  return async (pipeData, _block, requestState, _inputData, ctx) => {
    try {
      return { ...(await handler(pipeData, requestState, ctx)), error: null };
    } catch (e) {
      if (!(e instanceof ChatRefusal)) throw e;
      (requestState.response as { status?: number }).status = e.status;
      return { error: e.message };
    }
  };
}
