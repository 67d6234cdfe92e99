import { randomBytes } from 'node:crypto';
import type { ProcessBlock, WebRequestState } from 'procblock';
import { SESSION_COOKIE, sessionNick } from './lib/chat.js';

/**
 * The chat page: gives a new browser its session cookie (random, HttpOnly, kept 30 days) and
 * puts the nickname it already has in the page; static/chat.js does the rest through the RPCs.
 */
export const processBlock: ProcessBlock = async (_pipeData, _block, requestState, _inputData, ctx) => {
  const req = requestState as unknown as WebRequestState;
  if (typeof req.cookies[SESSION_COOKIE] !== 'string') {
    req.response.cookies[SESSION_COOKIE] = { value: randomBytes(24).toString('base64url'), max_age: 30 * 86_400, same_site: 'Lax' };
    return { nick: '' };
  }
  return { nick: (await sessionNick(ctx.unidist, requestState)) ?? '' };
};
