/**
 * Request and response rules of SPEC §7 "Security", as pure functions over headers.
 *
 * - Every response gets a CSP of `'self'` (no inline scripts or styles, `frame-ancestors
 *   'none'`), `X-Content-Type-Options: nosniff`, `X-Frame-Options: DENY` (for browsers without
 *   CSP frame-ancestors), `Referrer-Policy: same-origin` and `Cross-Origin-Resource-Policy:
 *   same-origin` (other sites cannot embed our images or JSON). Each header costs every response
 *   ~2 µs in Node's header validation, so the list stays at what protects something.
 * - Host check (DNS rebinding): a server on a loopback address answers only Host names that
 *   are loopback names (`localhost`, `127.x.x.x`, `[::1]`) or listed in `allowed_hosts`. A server
 *   on another address (which needs `auth` or `insecure: true`) accepts any Host unless
 *   `allowed_hosts` is given.
 * - Same-origin check on state-changing requests (POST and the rest, not GET/HEAD/OPTIONS): an
 *   `Origin` header must equal this server's origin (`http://` or `https://` + Host); `Origin: null` and a
 *   `Sec-Fetch-Site` other than `same-origin`/`none` are refused. A request with neither header
 *   comes from a program, not a browser page (every current browser sends `Origin` on POST),
 *   so no other site can forge it; such requests pass (authentication still applies).
 */
import { isIP } from 'node:net';

export const SECURITY_HEADERS: readonly (readonly [string, string])[] = [
  [
    'Content-Security-Policy',
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  ],
  ['X-Content-Type-Options', 'nosniff'],
  ['X-Frame-Options', 'DENY'],
  ['Referrer-Policy', 'same-origin'],
  ['Cross-Origin-Resource-Policy', 'same-origin'],
];

/** The same, as one plain object of lower-case names (the cheapest headers for @hono/node-server). */
export const SECURITY_HEADER_RECORD: Readonly<Record<string, string>> = Object.freeze(Object.fromEntries(SECURITY_HEADERS.map(([k, v]) => [k.toLowerCase(), v])));

export function isLoopbackAddress(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  return isIP(h) === 4 && h.startsWith('127.');
}

/** The host name of a Host header value (`[::1]:8080` → `::1`, `a.b:80` → `a.b`). */
export function hostName(hostHeader: string): string {
  const h = hostHeader.trim().toLowerCase();
  if (h.startsWith('[')) return h.slice(1, h.indexOf(']') > 0 ? h.indexOf(']') : undefined);
  const colon = h.lastIndexOf(':');
  return colon >= 0 && h.indexOf(':') === colon ? h.slice(0, colon) : h;
}

export interface HostPolicy {
  /** Names accepted besides loopback names; empty + `anyHost` = any. */
  readonly allowed: ReadonlySet<string>;
  readonly anyHost: boolean;
}

export function hostPolicy(bindHost: string, allowedHosts: readonly string[]): HostPolicy {
  const allowed = new Set(allowedHosts.map((h) => h.toLowerCase()));
  if (!isLoopbackAddress(bindHost) && !isUnspecified(bindHost)) allowed.add(hostName(bindHost));
  return { allowed, anyHost: !isLoopbackAddress(bindHost) && allowedHosts.length === 0 };
}

export function hostAllowed(hostHeader: string, policy: HostPolicy): boolean {
  if (policy.anyHost) return true;
  if (hostHeader === '') return false;
  const name = hostName(hostHeader);
  return isLoopbackAddress(name) || policy.allowed.has(name);
}

export function isUnspecified(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '');
  return h === '0.0.0.0' || h === '::' || h === '';
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Whether a state-changing request comes from a page of this server (or from no page at all).
 * `host` is the request's Host (the authority of its URL).
 */
export function sameOrigin(method: string, headers: Headers, host: string): boolean {
  if (SAFE_METHODS.has(method)) return true;
  const site = headers.get('sec-fetch-site');
  if (site !== null && site !== 'same-origin' && site !== 'none') return false;
  const origin = headers.get('origin');
  if (origin === null) return true;
  if (origin === 'null' || host === '') return false;
  // https: the server may sit behind a TLS-terminating proxy that keeps the Host header.
  const o = origin.toLowerCase();
  const h = host.toLowerCase();
  return o === `http://${h}` || o === `https://${h}`;
}
