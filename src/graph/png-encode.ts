/**
 * PNG encoding of an opaque RGBA canvas: 8-bit RGB, the Sub filter on every row, zlib level 6.
 * Skia's encoder (tries every filter per row) takes ~3× longer for the same size on graph
 * images, which are mostly flat colour; this keeps a render well under rrdtool's time.
 */
import { deflate } from 'node:zlib';
import { promisify } from 'node:util';

// Deflate on libuv's pool: a render does not hold the event loop for the compression.
const deflateAsync = promisify(deflate);


const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(buf: Uint8Array, crc = 0xffffffff): number {
  let c = crc;
  for (let i = 0; i < buf.length; i++) c = (CRC_TABLE[(c ^ (buf[i] ?? 0)) & 0xff] ?? 0) ^ (c >>> 8);
  return c;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  out.set(data, 8);
  const crc = crc32(out.subarray(4, 8 + data.length)) ^ 0xffffffff;
  out.writeUInt32BE(crc >>> 0, 8 + data.length);
  return out;
}

/** Encode `rgba` (width × height × 4 bytes, alpha ignored: graphs are opaque) as PNG. */
export async function encodeRgbPng(rgba: Uint8Array, width: number, height: number): Promise<Buffer> {
  const stride = width * 3 + 1;
  const raw = Buffer.allocUnsafe(stride * height);
  let p = 0;
  for (let y = 0; y < height; y++) {
    raw[p++] = 1; // filter type Sub: each byte minus the one a pixel to its left
    let i = y * width * 4;
    let pr = 0;
    let pg = 0;
    let pb = 0;
    for (let x = 0; x < width; x++, i += 4) {
      const r = rgba[i] ?? 0;
      const g = rgba[i + 1] ?? 0;
      const b = rgba[i + 2] ?? 0;
      raw[p++] = (r - pr) & 0xff;
      raw[p++] = (g - pg) & 0xff;
      raw[p++] = (b - pb) & 0xff;
      pr = r;
      pg = g;
      pb = b;
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type: RGB
  const idat = await deflateAsync(raw, { level: 6 });
  return Buffer.concat([SIGNATURE, chunk('IHDR', ihdr), chunk('IDAT', idat), chunk('IEND', new Uint8Array(0))]);
}
