/**
 * PNG encoding of a canvas's RGBA pixels, lossless: RGB (colour type 2) when every pixel is
 * opaque — graphs paint an opaque background, so this is the usual case — else RGBA.
 *
 * Rows are not filtered, and zlib runs at level 4. Measured on the one-day LINE graph of
 * bench/graph.bench.mjs (700×300, 1,110 colours from anti-aliased lines and text; CPU time of
 * the encode):
 * - libpng-style adaptive filters (all five, least sum of absolute differences per row) made the
 *   file 5 % *larger* than no filter (40.3 vs 38.3 KiB at level 6) for 5–7 ms more JavaScript:
 *   flat colours and thin lines repeat exactly along and across rows, which deflate matches as
 *   they are and which Sub/Up/Paeth turn into mixed residues. Fixed Up or Sub was worse still.
 * - zlib levels on the RGB rows: 3 → 43.9 KiB in 1.3 ms, 4 → 39.0 KiB in 2.2 ms, 6 → 38.3 KiB in
 *   3.3 ms, 9 → 36.4 KiB in ~100 ms; 4 is the knee. RGBA at level 3 (the previous encoder) gave
 *   45.5 KiB.
 * - An indexed (palette) layout would halve the file, but graphs have more than 256 colours
 *   (anti-aliased text alone passes 256 within the title), so it would have to be lossy.
 * What made the real difference is the picture: lines are drawn on the pixel grid as rrdtool
 * draws them (render.ts), so the plot holds a handful of exact colours instead of 1,000 blends;
 * the same one-day graph is now 21.8 KiB, 0.97× rrdtool's.
 */
import * as zlib from 'node:zlib';
import { crc32 } from '../core/crc32.js';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const LEVEL = 4;

// Scanline buffers are ~0.6 MB each; reusing them spares the garbage collector a large share of
// a render's work. A buffer goes back once its deflate has finished.
const spare: Buffer[] = [];

function takeBuffer(size: number): Buffer {
  const i = spare.findIndex((b) => b.length === size);
  if (i >= 0) return spare.splice(i, 1)[0] as Buffer;
  return Buffer.allocUnsafeSlow(size);
}

function giveBack(buf: Buffer): void {
  if (spare.length >= 4) spare.shift();
  spare.push(buf);
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

function opaque(rgba: Uint8Array): boolean {
  for (let i = 3; i < rgba.length; i += 4) if (rgba[i] !== 255) return false;
  return true;
}

/** Scanlines of 3 (alpha dropped) or 4 bytes per pixel, each led by filter type 0 (None). */
function scanlines(rgba: Uint8Array, width: number, height: number, bpp: 3 | 4): Buffer {
  const rowBytes = width * bpp;
  const stride = rowBytes + 1;
  const raw = takeBuffer(stride * height);
  for (let y = 0; y < height; y++) {
    raw[y * stride] = 0;
    if (bpp === 4) raw.set(rgba.subarray(y * rowBytes, (y + 1) * rowBytes), y * stride + 1);
    else {
      let o = y * stride + 1;
      for (let p = y * width * 4, end = p + width * 4; p < end; p += 4) {
        raw[o] = rgba[p]!;
        raw[o + 1] = rgba[p + 1]!;
        raw[o + 2] = rgba[p + 2]!;
        o += 3;
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
  const rgb = opaque(rgba);
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = rgb ? 2 : 6; // colour type: RGB or RGBA
  const raw = scanlines(rgba, width, height, rgb ? 3 : 4);
  // Synchronous on purpose (~2 ms): handing the buffer to libuv's pool and back cost more CPU
  // than the compression itself on a busy 2-core machine (measured in bench/graph.bench.mjs).
  let idat: Buffer;
  try {
    idat = zlib.deflateSync(raw, { level: LEVEL });
  } finally {
    giveBack(raw);
  }
  return Buffer.concat([SIGNATURE, chunk('IHDR', ihdr), chunk('IDAT', idat), chunk('IEND', new Uint8Array(0))]);
}
