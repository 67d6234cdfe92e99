/**
 * dropSTAR authentication (SPEC §7 "Security"): a shared token, or users with scrypt password
 * hashes, checked in constant time.
 *
 *   auth: {token: "long random text"}            Authorization: Bearer <token>, or the cookie
 *   auth: {token_file: secrets/dropstar.token}   set after visiting a page with ?token=<token>
 *   auth: {users: {alice: "scrypt$16384$8$1$<salt b64>$<hash b64>"}}   HTTP Basic
 *
 * Choices:
 * - Tokens are compared as SHA-256 digests with `timingSafeEqual` (equal lengths, so neither the
 *   content nor the length leaks). Tokens shorter than 16 characters are refused.
 * - A password is checked with `crypto.scrypt` off the main thread. An unknown user costs one
 *   scrypt too (against a fixed dummy hash), so response times do not tell which users exist.
 * - Accepted credentials are remembered for 5 minutes as a SHA-256 digest of user and password,
 *   so a page's images and `/events` do not each pay for scrypt; a wrong password is never cached.
 * - Argon2 is not offered: Node 20's crypto has no argon2, and no dependency is added for it.
 */
import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { KeyPath } from '../config/types.js';
import { fillTemplate } from '../engine/template-fill.js';

export interface ScryptHash {
  readonly N: number;
  readonly r: number;
  readonly p: number;
  readonly salt: Buffer;
  readonly hash: Buffer;
}

export type AuthConfig =
  | { readonly kind: 'token'; readonly digest: Buffer }
  | { readonly kind: 'users'; readonly users: ReadonlyMap<string, ScryptHash> };

export type AuthResult = { readonly ok: true; readonly user: string | undefined } | { readonly ok: false; readonly challenge: string };

export const TOKEN_COOKIE = 'dropstar_token';
const MIN_TOKEN = 16;
const REMEMBER_MS = 5 * 60_000;
const SCRYPT_FORMAT = /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/;

interface ParseContext {
  readonly pipeData: Readonly<Record<string, unknown>>;
  readonly baseDir: string;
  readonly fail: (keyPath: KeyPath, message: string) => never;
}

export function parseAuth(raw: unknown, ctx: ParseContext): AuthConfig {
  const { fail } = ctx;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return fail([], 'must be {token: ...}, {token_file: ...} or {users: {name: scrypt hash}}');
  const o = raw as Record<string, unknown>;
  const kinds = ['token', 'token_file', 'users'].filter((k) => o[k] !== undefined);
  for (const k of Object.keys(o)) if (!['token', 'token_file', 'users'].includes(k)) fail([k], 'unknown auth setting (known: token, token_file, users)');
  if (kinds.length !== 1) return fail([], `give exactly one of token, token_file, users (got ${kinds.join(', ') || 'none'})`);
  if (o.users !== undefined) {
    if (typeof o.users !== 'object' || o.users === null || Array.isArray(o.users)) return fail(['users'], 'must map user names to scrypt hashes');
    const users = new Map<string, ScryptHash>();
    for (const [name, hash] of Object.entries(o.users as Record<string, unknown>)) {
      const parsed = typeof hash === 'string' ? parseScryptHash(hash) : undefined;
      if (!parsed) fail(['users', name], 'must be a hash like scrypt$16384$8$1$<salt base64>$<hash base64> (make one with hashPassword from procblock, see docs/dropstar.md)');
      if (name.includes(':') || name === '') fail(['users', name], 'a user name cannot be empty or contain ":"');
      users.set(name, parsed as ScryptHash);
    }
    if (users.size === 0) return fail(['users'], 'lists no users');
    return { kind: 'users', users };
  }
  let token: string;
  if (o.token_file !== undefined) {
    if (typeof o.token_file !== 'string') return fail(['token_file'], 'must be a file path');
    const file = path.resolve(ctx.baseDir, o.token_file);
    try {
      token = readFileSync(file, 'utf8').trim();
    } catch (e) {
      return fail(['token_file'], `cannot read ${file}: ${(e as Error).message}`);
    }
  } else {
    if (typeof o.token !== 'string') return fail(['token'], 'must be a string');
    token = fillTemplate(o.token, ctx.pipeData).text.trim();
  }
  if (token.length < MIN_TOKEN) return fail([o.token_file !== undefined ? 'token_file' : 'token'], `a token must be at least ${MIN_TOKEN} characters long`);
  return { kind: 'token', digest: sha256(token) };
}

export function parseScryptHash(text: string): ScryptHash | undefined {
  const m = SCRYPT_FORMAT.exec(text);
  if (!m) return undefined;
  const [N, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (N < 2 || (N & (N - 1)) !== 0 || r < 1 || p < 1 || N * r > 2 ** 24) return undefined;
  const salt = Buffer.from(m[4] as string, 'base64');
  const hash = Buffer.from(m[5] as string, 'base64');
  if (salt.length < 8 || hash.length < 16) return undefined;
  return { N, r, p, salt, hash };
}

/** A hash for `auth.users`: `scrypt$N$r$p$salt$hash` (base64), N = 2^14 by default. */
export async function hashPassword(password: string, options: { N?: number; r?: number; p?: number } = {}): Promise<string> {
  const params = { N: options.N ?? 16_384, r: options.r ?? 8, p: options.p ?? 1 };
  const salt = randomBytes(16);
  const hash = await derive(password, { ...params, salt, hash: Buffer.alloc(32) });
  return `scrypt$${params.N}$${params.r}$${params.p}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

function derive(password: string, h: ScryptHash): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, h.salt, h.hash.length, { N: h.N, r: h.r, p: h.p, maxmem: 256 * h.N * h.r + 1024 * 1024 }, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

const DUMMY: ScryptHash = { N: 16_384, r: 8, p: 1, salt: Buffer.alloc(16, 1), hash: Buffer.alloc(32, 2) };

export class Authenticator {
  private readonly remembered = new Map<string, number>();

  constructor(
    private readonly config: AuthConfig,
    private readonly now: () => number,
  ) {}

  /** Check a request's credentials: `Authorization` header, or the token cookie / query value. */
  async check(authorization: string | undefined, cookieToken: string | undefined, queryToken: string | undefined): Promise<AuthResult> {
    if (this.config.kind === 'token') {
      const given = bearer(authorization) ?? cookieToken ?? queryToken;
      const ok = given !== undefined && timingSafeEqual(sha256(given), this.config.digest);
      return ok ? { ok: true, user: undefined } : { ok: false, challenge: 'Bearer realm="dropSTAR"' };
    }
    const basic = basicCredentials(authorization);
    if (!basic) return { ok: false, challenge: 'Basic realm="dropSTAR", charset="UTF-8"' };
    const key = sha256(`${basic.user}\0${basic.password}`).toString('hex');
    const until = this.remembered.get(key);
    if (until !== undefined && until > this.now()) return { ok: true, user: basic.user };
    const stored = this.config.users.get(basic.user);
    const derived = await derive(basic.password, stored ?? DUMMY);
    const ok = stored !== undefined && timingSafeEqual(derived, stored.hash);
    if (!ok) return { ok: false, challenge: 'Basic realm="dropSTAR", charset="UTF-8"' };
    if (this.remembered.size > 1000) this.remembered.clear();
    this.remembered.set(key, this.now() + REMEMBER_MS);
    return { ok: true, user: basic.user };
  }
}

function bearer(header: string | undefined): string | undefined {
  const m = header === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(header);
  return m ? (m[1] as string) : undefined;
}

function basicCredentials(header: string | undefined): { user: string; password: string } | undefined {
  const m = header === undefined ? null : /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!m) return undefined;
  const text = Buffer.from(m[1] as string, 'base64').toString('utf8');
  const colon = text.indexOf(':');
  if (colon < 0) return undefined;
  return { user: text.slice(0, colon), password: text.slice(colon + 1) };
}
