/**
 * PNG encoding of a canvas's RGBA pixels, lossless, in the smallest of three layouts that fits:
 *
 * - **indexed** (colour type 3) when the image has at most 256 colours — flat fills, STACK and
 *   AREA graphs: one byte per pixel;
 * - **RGB** (colour type 2) when every pixel is opaque — graphs paint an opaque background, so
 *   this is the usual case: three bytes per pixel;
 * - RGBA (colour type 6) otherwise.
 *
 * Rows are not filtered, and zlib runs at level 4. Measured on the one-day LINE graph of
 * bench/graph.bench.mjs (700×300, 1,110 colours from anti-aliasing; CPU time of the encode):
 * libpng-style adaptive filters (all five, least sum of absolute differences per row) made the
 * file 5 % *larger* than no filter (40.3 vs 38.3 KiB at level 6) for 5–7 ms more JavaScript:
 * flat colours and thin lines repeat exactly along and across rows, which deflate matches as
 * they are and which Sub/Up/Paeth turn into mixed residues (libpng itself leaves palette images
 * unfiltered). zlib levels on the RGB rows: 3 → 43.9 KiB in 1.3 ms, 4 → 39.0 KiB in 2.2 ms,
 * 6 → 38.3 KiB in 3.3 ms, 9 → 36.4 KiB in ~100 ms; 4 is the knee. The same image as RGBA at
 * level 3 (the previous encoder) was 45.5 KiB.
 */
import * as zlib from 'node:zlib';
import { crc32 } from '../core/crc32.js';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const LEVEL = 4;
const MAX_PALETTE = 256;

// Scanline buffers are up to ~1 MB each; reusing them spares the garbage collector a large
// share of a render's work. A buffer goes back once its deflate has finished.
const spare: Buffer[] = [];

/** The smallest spare buffer that holds `size` bytes (so the indexed and RGB passes each keep theirs). */
function takeBuffer(size: number): Buffer {
  let best = -1;
  for (let i = 0; i < spare.length; i++) if (spare[i]!.length >= size && (best < 0 || spare[i]!.length < spare[best]!.length)) best = i;
  if (best >= 0) return (spare.splice(best, 1)[0] as Buffer).subarray(0, size);
  return Buffer.allocUnsafeSlow(size);
}

function giveBack(buf: Buffer): void {
  if (spare.length >= 4) spare.shift();
  spare.push(Buffer.from(buf.buffer, buf.byteOffset, buf.buffer.byteLength - buf.byteOffset));
}

function chunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  out.set(data, 8);
  const body = out.subarray(4, 8 + data.length);
  out.writeUInt32BE(crc32(body), 8 + data.length);
  return out;
}

/** Open-addressing table of the image's colours, up to 256. */
class ColourTable {
  readonly keys = new Uint32Array(1024);
  readonly index = new Int16Array(1024).fill(-1);
  /** Pixel number of each colour's first occurrence (its bytes give the palette entry). */
  readonly firstAt: number[] = [];

  /** The palette index of `c` (a pixel's four bytes as one u32), adding it; -1 past 256 colours. */
  indexOf(c: number, pixel: number): number {
    let h = Math.imul(c, 0x9e3779b1) >>> 22;
    for (;;) {
      const i = this.index[h]!;
      if (i < 0) break;
      if (this.keys[h] === c) return i;
      h = (h + 1) & 1023;
    }
    if (this.firstAt.length >= MAX_PALETTE) return -1;
    this.keys[h] = c;
    this.index[h] = this.firstAt.length;
    this.firstAt.push(pixel);
    return this.firstAt.length - 1;
  }
}

/** Scanlines of palette indexes, or undefined when the image has more than 256 colours. */
function indexedScanlines(px: Uint32Array, width: number, height: number, table: ColourTable): Buffer | undefined {
  const stride = width + 1;
  const raw = takeBuffer(stride * height);
  let p = 0;
  for (let y = 0; y < height; y++) {
    let o = y * stride;
    raw[o++] = 0;
    let last = -1;
    let lastIndex = 0;
    for (let x = 0; x < width; x++, p++) {
      const c = px[p]!;
      if (c !== last) {
        lastIndex = table.indexOf(c, p);
        if (lastIndex < 0) {
          giveBack(raw);
          return undefined;
        }
        last = c;
      }
      raw[o++] = lastIndex;
    }
  }
  return raw;
}

function opaque(rgba: Uint8Array): boolean {
  for (let i = 3; i < rgba.length; i += 4) if (rgba[i] !== 255) return false;
  return true;
}

/** Scanlines of `bpp` 3 (alpha dropped) or 4 bytes per pixel, filter type None. */
function trueColourScanlines(rgba: Uint8Array, width: number, height: number, bpp: 3 | 4): Buffer {
  const rowBytes = width * bpp;
  const stride = rowBytes + 1;
  const raw = takeBuffer(stride * height);
  for (let y = 0; y < height; y++) {
    raw[y * stride] = 0;
    if (bpp === 4) raw.set(rgba.subarray(y * rowBytes, (y + 1) * rowBytes), y * stride + 1);
    else {
      let o = y * stride + 1;
      for (let p = y * width * 4, end = p + width * 4; p < end; p += 4) {
        raw[o++] = rgba[p]!;
        raw[o++] = rgba[p + 1]!;
        raw[o++] = rgba[p + 2]!;
      }
    }
  }
  return raw;
}

/**
 * Encode `rgba` (width × height × 4 bytes, straight RGBA) as a PNG holding exactly those pixels.
 * Canvas pixels are premultiplied; graphs paint an opaque background first, so the two are the same.
 */
export function encodeRgbaPng(rgba: Uint8Array, width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  const table = new ColourTable();
  const aligned = rgba.byteOffset % 4 === 0 ? rgba : Uint8Array.from(rgba);
  let raw = indexedScanlines(new Uint32Array(aligned.buffer, aligned.byteOffset, width * height), width, height, table);
  const extra: Buffer[] = [];
  if (raw) {
    ihdr[9] = 3; // indexed
    const n = table.firstAt.length;
    const plte = Buffer.alloc(n * 3);
    const trns = Buffer.alloc(n);
    let translucent = false;
    table.firstAt.forEach((pixel, i) => {
      plte.set(rgba.subarray(pixel * 4, pixel * 4 + 3), i * 3);
      trns[i] = rgba[pixel * 4 + 3]!;
      if (trns[i] !== 255) translucent = true;
    });
    extra.push(chunk('PLTE', plte));
    if (translucent) extra.push(chunk('tRNS', trns));
  } else {
    const rgb = opaque(rgba);
    ihdr[9] = rgb ? 2 : 6;
    raw = trueColourScanlines(rgba, width, height, rgb ? 3 : 4);
  }
  // Synchronous on purpose (a few ms): handing the buffer to libuv's pool and back cost more CPU
  // than the compression itself on a busy 2-core machine (measured in bench/graph.bench.mjs).
  let idat: Buffer;
  try {
    idat = zlib.deflateSync(raw, { level: LEVEL });
  } finally {
    giveBack(raw);
  }
  return Buffer.concat([SIGNATURE, chunk('IHDR', ihdr), ...extra, chunk('IDAT', idat), chunk('IEND', new Uint8Array(0))]);
}
