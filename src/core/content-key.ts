/**
 * Keys that name content in caches (transformed scripts, run lists kept by workers): two 32-bit
 * FNV-1a-style hashes with different mixing, plus the length, as hex. Not cryptographic —
 * nothing cached is secret, and a wrong hit needs two versions of one file with the same length
 * and the same 64-bit hash. node:crypto is avoided: loading it is a measurable part of a
 * worker thread's start.
 */

/** Key of a byte sequence, optionally prefixed by `seed` text (e.g. a transformer version). */
export function bytesKey(bytes: Uint8Array, seed = ''): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193 ^ bytes.length;
  for (let i = 0; i < seed.length; i++) {
    const c = seed.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995) ^ (h2 >>> 15);
  }
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i] as number;
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995) ^ (h2 >>> 15);
  }
  return hex8(h1) + hex8(h2) + bytes.length.toString(16);
}

/** Key of a text (UTF-16 code units), for names such as paths. */
export function textKey(text: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193 ^ text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995) ^ (h2 >>> 15);
  }
  return hex8(h1) + hex8(h2);
}

function hex8(h: number): string {
  return (h >>> 0).toString(16).padStart(8, '0');
}
