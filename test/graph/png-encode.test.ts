import { deflateSync } from 'node:zlib';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { encodeRgbaPng } from '../../src/graph/png-encode.js';

/** width × height RGBA pixels from `pixel(i)` → [r, g, b, a]. */
function image(width: number, height: number, pixel: (i: number) => readonly number[]): Uint8Array {
  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) rgba.set(pixel(i), i * 4);
  return rgba;
}

function noise(seed: number): () => number {
  return () => {
    seed = (seed * 1_103_515_245 + 12_345) & 0x7fffffff;
    return (seed >>> 16) & 0xff; // the high bits: the low ones of this generator repeat every 256
  };
}

/** The PNG's colour type and chunk names. */
function layout(png: Buffer): { colourType: number; chunks: string[] } {
  const chunks: string[] = [];
  for (let p = 8; p < png.length; p += 12 + png.readUInt32BE(p)) chunks.push(png.toString('latin1', p + 4, p + 8));
  return { colourType: png[25]!, chunks };
}

function expectExact(png: Buffer, rgba: Uint8Array, width: number, height: number): void {
  const img = PNG.sync.read(png);
  expect([img.width, img.height]).toEqual([width, height]);
  expect(Buffer.from(img.data).equals(Buffer.from(rgba.buffer, rgba.byteOffset, rgba.length))).toBe(true);
}

describe('encodeRgbaPng (lossless: RGB when opaque, else RGBA)', () => {
  const [w, h] = [37, 23];

  it('many colours with transparency: RGBA, every pixel exact through a standard decoder', () => {
    const r = noise(12345);
    const rgba = image(w, h, () => [r(), r(), r(), r()]);
    const png = encodeRgbaPng(rgba, w, h);
    expect(layout(png).colourType).toBe(6);
    expectExact(png, rgba, w, h);
  });

  it('many colours, all opaque: RGB (alpha dropped), exact', () => {
    const r = noise(777);
    const rgba = image(w, h, () => [r(), r(), r(), 255]);
    const png = encodeRgbaPng(rgba, w, h);
    expect(layout(png).colourType).toBe(2);
    expectExact(png, rgba, w, h);
  });

  it('a graph-like image (flat colours, thin lines) comes out smaller than as RGBA at level 3 (the previous encoding)', () => {
    const [gw, gh] = [300, 120];
    const rgba = image(gw, gh, (i) => {
      const [x, y] = [i % gw, Math.floor(i / gw)];
      if (y === Math.round(60 + 40 * Math.sin(x / 20))) return [202, 68, 42, 255]; // the line
      return x % 50 === 0 || y % 30 === 0 ? [230, 230, 230, 255] : [255, 255, 255, 255]; // grid
    });
    const png = encodeRgbaPng(rgba, gw, gh);
    expectExact(png, rgba, gw, gh);
    const rows = Buffer.concat(Array.from({ length: gh }, (_, y) => Buffer.concat([Buffer.from([0]), Buffer.from(rgba.subarray(y * gw * 4, (y + 1) * gw * 4))])));
    expect(png.length).toBeLessThan(deflateSync(rows, { level: 3 }).length);
  });

  it('a single translucent pixel keeps the alpha channel', () => {
    const rgba = image(5, 3, (i) => [i, 2 * i, 3 * i, i === 14 ? 254 : 255]);
    const png = encodeRgbaPng(rgba, 5, 3);
    expect(layout(png)).toEqual({ colourType: 6, chunks: ['IHDR', 'IDAT', 'IEND'] });
    expectExact(png, rgba, 5, 3);
  });
});
