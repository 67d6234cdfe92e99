import { describe, expect, it } from 'vitest';
import { mask, parseRedisUrl } from '../../src/unidist/redis/url.js';

describe('parseRedisUrl', () => {
  it.each([
    ['redis://localhost', { kind: 'tcp', host: 'localhost', port: 6379, database: 0 }],
    ['redis://:p%40ss@10.0.0.5:6380/3', { kind: 'tcp', host: '10.0.0.5', port: 6380, database: 3, password: 'p@ss' }],
    ['rediss://app:secret@redis.example.org:6390/1?timeout=2s', { kind: 'tls', host: 'redis.example.org', port: 6390, database: 1, username: 'app', password: 'secret', timeoutMs: 2000 }],
    ['redis://[::1]:7000', { kind: 'tcp', host: '::1', port: 7000 }],
    ['unix:///run/redis/redis.sock', { kind: 'unix', path: '/run/redis/redis.sock', database: 0 }],
    ['unix:///tmp/r.sock?db=2&user=u&password=pw&timeout=250ms', { kind: 'unix', path: '/tmp/r.sock', database: 2, username: 'u', password: 'pw', timeoutMs: 250 }],
  ])('%s', (url, expected) => {
    expect(parseRedisUrl(url)).toMatchObject(expected);
  });

  it.each([
    ['', /non-empty/],
    ['localhost:6379', /unknown scheme/],
    ['memcached://x', /unknown scheme "memcached"/],
    ['redis://', /needs a host|not a URL/],
    ['redis://h/zero', /database must be a number/],
    ['redis://h?tiemout=2s', /unknown query parameter\(s\) "tiemout"/],
    ['redis://h?timeout=soon', /timeout must be/],
    ['unix://host/tmp/r.sock', /no host or user part/],
    ['unix:///', /absolute socket path/],
  ])('refuses %j with PB_ERR_INVALID_ARGUMENT', (url, why) => {
    let err: unknown;
    try {
      parseRedisUrl(url);
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ code: 'PB_ERR_INVALID_ARGUMENT' });
    expect(String((err as Error).message)).toMatch(why);
  });

  it('masks passwords for logs and messages', () => {
    expect(mask('redis://:secret@h:1/0')).toBe('redis://:***@h:1/0');
    expect(mask('rediss://u:secret@h')).toBe('rediss://u:***@h');
    expect(mask('unix:///s.sock?db=1&password=secret')).toBe('unix:///s.sock?db=1&password=***');
    expect(parseRedisUrl('redis://:secret@h').display).not.toContain('secret');
  });
});
