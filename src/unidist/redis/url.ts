/**
 * Where the Redis back end connects (SPEC §5): pure parsing of the `--unidist` URL.
 *
 *   redis://[user[:password]@]host[:port][/db][?timeout=5s]     plain TCP (port 6379 by default)
 *   rediss://…                                                   the same over TLS
 *   unix:///path/to/redis.sock[?db=N&user=U&password=P&timeout=5s]
 *
 * `timeout` is how long one call may wait for Redis (reconnecting included) before it fails with
 * PB_ERR_UNIDIST_UNAVAILABLE: seconds, or a number with `s` or `ms` (default 5 s). A unix socket
 * has no authority part, so its database and credentials go in the query. Percent-escapes are
 * decoded in user names and passwords (`p%40ss` is `p@ss`).
 */
import { InputError } from '../../core/errors.js';

export interface RedisTarget {
  readonly kind: 'tcp' | 'tls' | 'unix';
  /** tcp/tls */
  readonly host?: string | undefined;
  readonly port?: number | undefined;
  /** unix */
  readonly path?: string | undefined;
  readonly database: number;
  readonly username?: string | undefined;
  readonly password?: string | undefined;
  /** Per-call timeout from the URL, when given (ms). */
  readonly timeoutMs?: number | undefined;
  /** The URL with any password masked: for logs and error messages. */
  readonly display: string;
}

const SCHEMES = 'redis://host:port/db, rediss://host:port/db (TLS) or unix:///path/to/redis.sock';

export function parseRedisUrl(url: string): RedisTarget {
  const bad = (why: string): InputError =>
    new InputError('PB_ERR_INVALID_ARGUMENT', `unidist URL ${JSON.stringify(mask(url))}: ${why} (expected ${SCHEMES})`);
  if (typeof url !== 'string' || url === '') throw bad('must be a non-empty string');
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw bad('is not a URL');
  }
  const query = new Map(u.searchParams);
  const take = (k: string): string | undefined => {
    const v = query.get(k);
    query.delete(k);
    return v;
  };
  const timeoutText = take('timeout');
  let target: Omit<RedisTarget, 'timeoutMs' | 'display'>;
  switch (u.protocol) {
    case 'redis:':
    case 'rediss:': {
      if (u.hostname === '') throw bad('needs a host');
      const port = u.port === '' ? 6379 : Number(u.port);
      const dbText = u.pathname.replace(/^\//, '');
      target = {
        kind: u.protocol === 'rediss:' ? 'tls' : 'tcp',
        host: u.hostname.replace(/^\[(.*)\]$/, '$1'),
        port,
        database: database(dbText === '' ? undefined : dbText, bad),
        username: decode(u.username),
        password: decode(u.password),
      };
      break;
    }
    case 'unix:': {
      if (u.host !== '' || u.username !== '' || u.password !== '') throw bad('a unix socket URL has no host or user part; put user and password in the query');
      if (!u.pathname.startsWith('/') || u.pathname === '/') throw bad('needs an absolute socket path (unix:///run/redis/redis.sock)');
      target = {
        kind: 'unix',
        path: decodeURIComponent(u.pathname),
        database: database(take('db'), bad),
        username: take('user'),
        password: take('password'),
      };
      break;
    }
    default:
      throw bad(`unknown scheme ${JSON.stringify(u.protocol.replace(/:$/, ''))}`);
  }
  const unknown = [...query.keys()];
  if (unknown.length > 0) throw bad(`unknown query parameter(s) ${unknown.map((k) => JSON.stringify(k)).join(', ')}; known: timeout${target.kind === 'unix' ? ', db, user, password' : ''}`);
  return Object.freeze({ ...target, timeoutMs: timeoutText === undefined ? undefined : timeout(timeoutText, bad), display: mask(url) });
}

function database(text: string | undefined, bad: (why: string) => InputError): number {
  if (text === undefined) return 0;
  if (!/^\d+$/.test(text)) throw bad(`database must be a number >= 0, got ${JSON.stringify(text)}`);
  return Number(text);
}

function timeout(text: string, bad: (why: string) => InputError): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s)?$/.exec(text.trim());
  if (!m) throw bad(`timeout must be seconds or a number with s or ms (timeout=2s, timeout=500ms), got ${JSON.stringify(text)}`);
  const n = Number(m[1]);
  const ms = m[2] === 'ms' ? n : n * 1000;
  if (!(ms > 0)) throw bad(`timeout must be > 0, got ${JSON.stringify(text)}`);
  return ms;
}

function decode(part: string): string | undefined {
  return part === '' ? undefined : decodeURIComponent(part);
}

/** The URL with its password (in the authority or the query) replaced by `***`. */
export function mask(url: string): string {
  if (typeof url !== 'string') return String(url);
  return url.replace(/^(\w+:\/\/[^:/@?#]*:)[^@/?#]*@/, '$1***@').replace(/([?&]password=)[^&#]*/g, '$1***');
}
