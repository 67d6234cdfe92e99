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

describe('encodeRgbaPng (lossless, the smallest layout that fits)', () => {
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

  it('at most 256 colours: indexed with a palette (and tRNS only when some are translucent), exact', () => {
    const opaque = image(w, h, (i) => [(i * 7) % 256, (i % 16) * 16, 40, 255]);
    expect(new Set(Array.from({ length: w * h }, (_, i) => (i * 7) % 256 + 256 * ((i % 16) * 16))).size).toBeLessThanOrEqual(256);
    const a = encodeRgbaPng(opaque, w, h);
    expect(layout(a)).toMatchObject({ colourType: 3, chunks: ['IHDR', 'PLTE', 'IDAT', 'IEND'] });
    expectExact(a, opaque, w, h);

    const translucent = image(w, h, (i) => [i % 3 === 0 ? 255 : 0, 0, 0, i % 3 === 0 ? 128 : 255]);
    const b = encodeRgbaPng(translucent, w, h);
    expect(layout(b)).toMatchObject({ colourType: 3, chunks: ['IHDR', 'PLTE', 'tRNS', 'IDAT', 'IEND'] });
    expectExact(b, translucent, w, h);
  });

  it('exactly 256 colours still fit a palette; 257 do not', () => {
    const r = noise(99);
    const colours = Array.from({ length: 257 }, () => [r(), r(), r(), 255] as const);
    const size = 17 * 17; // 289 pixels
    const with256 = image(17, 17, (i) => colours[i % 256]!);
    expect(layout(encodeRgbaPng(with256, 17, 17)).colourType).toBe(3);
    expectExact(encodeRgbaPng(with256, 17, 17), with256, 17, 17);
    const with257 = image(17, 17, (i) => colours[i % 257]!);
    expect(size).toBeGreaterThan(257);
    expect(layout(encodeRgbaPng(with257, 17, 17)).colourType).toBe(2);
    expectExact(encodeRgbaPng(with257, 17, 17), with257, 17, 17);
  });

  it('takes pixels that do not start on a 4-byte boundary', () => {
    const rgba = image(5, 3, (i) => [i, 2 * i, 3 * i, 255]);
    const shifted = new Uint8Array(rgba.length + 1).subarray(1);
    shifted.set(rgba);
    expectExact(encodeRgbaPng(shifted, 5, 3), rgba, 5, 3);
  });
});
