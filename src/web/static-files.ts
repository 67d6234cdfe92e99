/**
 * `GET /static/…` (SPEC §7): files under the configured folder only.
 *
 * A request path is refused (404, like a missing file, so nothing is revealed) when, after
 * percent-decoding, it holds an empty, `.` or `..` segment, a segment starting with `.`
 * (dotfiles and dot-folders), a backslash or a NUL; and when the file's real path (symlinks
 * resolved) is not inside the folder's real path, or is not a regular file. Responses carry a
 * MIME type from mime.ts, a weak ETag (size + mtime) and Last-Modified; `If-None-Match` /
 * `If-Modified-Since` give 304.
 */
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { mimeType } from './mime.js';
import { respond } from './site-context.js';

/** The decoded path segments of `rawPath` (below the mount point), or undefined when refused. */
export function safeSegments(rawPath: string): string[] | undefined {
  if (rawPath === '') return undefined;
  const segments: string[] = [];
  for (const raw of rawPath.split('/')) {
    let s: string;
    try {
      s = decodeURIComponent(raw);
    } catch {
      return undefined;
    }
    if (s === '' || s.startsWith('.') || s.includes('/') || s.includes('\\') || s.includes('\0')) return undefined;
    segments.push(s);
  }
  return segments;
}

/** The real path of the file `rawPath` names under `realRoot`, or undefined when refused. */
export async function resolveStaticFile(realRoot: string, rawPath: string): Promise<{ file: string; size: number; mtimeMs: number } | undefined> {
  const segments = safeSegments(rawPath);
  if (!segments) return undefined;
  try {
    const real = await realpath(path.join(realRoot, ...segments));
    if (!real.startsWith(realRoot + path.sep)) return undefined;
    // A symlink inside the folder may point at a dotfile elsewhere inside it: check the target too.
    if (real.slice(realRoot.length + 1).split(path.sep).some((s) => s.startsWith('.'))) return undefined;
    const st = await stat(real);
    if (!st.isFile()) return undefined;
    return { file: real, size: st.size, mtimeMs: st.mtimeMs };
  } catch {
    return undefined;
  }
}

export function weakEtag(size: number, mtimeMs: number): string {
  return `W/"${size.toString(16)}-${Math.floor(mtimeMs).toString(16)}"`;
}

/** Whether the request's validators match (RFC 9110: If-None-Match wins over If-Modified-Since). */
export function notModified(headers: Headers, etag: string, mtimeMs: number): boolean {
  const inm = headers.get('if-none-match');
  if (inm !== null) {
    const bare = etag.replace(/^W\//, '');
    return inm.split(',').some((t) => {
      const v = t.trim();
      return v === '*' || v.replace(/^W\//, '') === bare;
    });
  }
  const ims = headers.get('if-modified-since');
  if (ims !== null) {
    const since = Date.parse(ims);
    return Number.isFinite(since) && Math.floor(mtimeMs / 1000) * 1000 <= since;
  }
  return false;
}

export async function serveStatic(realRoot: string, rawPath: string, request: Request, requestId: string): Promise<Response | undefined> {
  const found = await resolveStaticFile(realRoot, rawPath);
  if (!found) return undefined;
  const etag = weakEtag(found.size, found.mtimeMs);
  const validators = { etag, 'last-modified': new Date(found.mtimeMs).toUTCString(), 'cache-control': 'no-cache' };
  if (notModified(request.headers, etag, found.mtimeMs)) return respond(requestId, 304, null, validators);
  const headers = { ...validators, 'content-type': mimeType(found.file) };
  if (request.method === 'HEAD') return respond(requestId, 200, null, { ...headers, 'content-length': String(found.size) });
  return respond(requestId, 200, Readable.toWeb(createReadStream(found.file)) as ReadableStream<Uint8Array>, headers);
}
