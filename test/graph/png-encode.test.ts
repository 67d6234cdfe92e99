import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { encodeRgbaPng } from '../../src/graph/png-encode.js';

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
