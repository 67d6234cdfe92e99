import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { crc32, encodeRgbaPng } from '../../src/graph/png-encode.js';

describe('encodeRgbaPng', () => {
  it('round-trips every pixel exactly through a standard decoder', async () => {
    const width = 37;
    const height = 23;
    const rgba = new Uint8Array(width * height * 4);
    let seed = 12345;
    for (let i = 0; i < rgba.length; i++) {
      seed = (seed * 1_103_515_245 + 12_345) & 0x7fffffff;
      rgba[i] = seed & 0xff;
    }
    const png = encodeRgbaPng(rgba, width, height);
    const img = PNG.sync.read(png);
    expect([img.width, img.height]).toEqual([width, height]);
    for (let p = 0; p < width * height; p++) {
      expect([img.data[p * 4], img.data[p * 4 + 1], img.data[p * 4 + 2], img.data[p * 4 + 3]]).toEqual([
        rgba[p * 4],
        rgba[p * 4 + 1],
        rgba[p * 4 + 2],
        rgba[p * 4 + 3],
      ]);
    }
  });
});

describe('crc32 fallback', () => {
  it('agrees with zlib for the PNG chunk types and random data', async () => {
    const zlib = await import('node:zlib');
    const native = (zlib as { crc32?: (d: Uint8Array) => number }).crc32;
    // Known value: CRC of "IEND" is 0xAE426082 (every PNG ends with it).
    expect((crc32(Buffer.from('IEND')) ^ 0xffffffff) >>> 0).toBe(0xae426082);
    if (native) {
      const data = Buffer.from(Array.from({ length: 1000 }, (_, i) => (i * 31) & 0xff));
      expect((crc32(data) ^ 0xffffffff) >>> 0).toBe(native(data));
    }
  });
});
