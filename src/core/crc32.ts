/** CRC-32 (IEEE) for the file formats: RRD files, the unidist journal and snapshots, PNG chunks. */
import zlib from 'node:zlib';

// zlib.crc32 exists from Node 20.15; the table version keeps older Node 20 releases working.
const native = (zlib as { crc32?: (data: Uint8Array) => number }).crc32;

let table: Uint32Array | undefined;

function makeTable(): Uint32Array {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
}

/** The same CRC computed in JavaScript (used where zlib.crc32 is missing). */
export function crc32Table(data: Uint8Array): number {
  table ??= makeTable();
  let c = 0xffffffff;
  for (let i = 0; i < data.length; i++) c = (table[(c ^ data[i]!) & 0xff]! ^ (c >>> 8)) >>> 0;
  return (c ^ 0xffffffff) >>> 0;
}

/** CRC-32 (IEEE), as zlib computes it. */
export const crc32: (data: Uint8Array) => number = native ?? crc32Table;
