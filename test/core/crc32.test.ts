import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { crc32, crc32Table } from '../../src/core/crc32.js';
import { seededRandom } from '../helpers/seeded-random.js';

describe('crc32', () => {
  it('gives the known CRC of "IEND" (every PNG ends with it), natively and from the table', () => {
    expect(crc32(Buffer.from('IEND'))).toBe(0xae426082);
    expect(crc32Table(Buffer.from('IEND'))).toBe(0xae426082);
    expect(crc32Table(new Uint8Array(0))).toBe(0);
  });

  it('the table version agrees with zlib on random data', () => {
    const native = (zlib as { crc32?: (d: Uint8Array) => number }).crc32;
    expect(native, 'zlib.crc32 (Node >= 20.15) is the reference here').toBeTypeOf('function');
    const rnd = seededRandom(7);
    for (let n = 0; n < 50; n++) {
      const data = Uint8Array.from({ length: Math.floor(rnd() * 4000) }, () => Math.floor(rnd() * 256));
      expect(crc32Table(data)).toBe(native?.(data));
    }
  });
});
