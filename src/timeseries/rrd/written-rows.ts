/**
 * The rows one `update()` call writes, per archive, kept until they are in the log record and in
 * place. Rows written by one call are consecutive in the ring, so only the last `rows` of them
 * matter (a gap longer than an archive writes it whole, once); each archive keeps them in a
 * circular buffer that grows on demand up to its ring size.
 */
import type { ResolvedDefinition } from './definition.js';

/** One contiguous run of ring rows of one archive. */
export interface Segment {
  rra: number;
  startRow: number;
  rowCount: number;
}

/** Rows a buffer keeps between calls (a batch of a few hundred samples reuses it). */
const SMALL = 1024;

export class WrittenRows {
  /** Rows written to each archive since `reset()`, uncapped. */
  readonly count: number[];
  private readonly bufs: Float64Array[];
  private readonly nd: number;

  constructor(private readonly def: ResolvedDefinition) {
    this.nd = def.ds.length;
    this.count = def.rra.map(() => 0);
    this.bufs = def.rra.map((r) => new Float64Array(Math.min(r.rows, 4) * this.nd));
  }

  reset(): void {
    this.count.fill(0);
    // A long gap grows a buffer to a whole archive; do not keep that per open file.
    for (let r = 0; r < this.bufs.length; r++) {
      if (this.bufs[r]!.length > SMALL * this.nd) this.bufs[r] = new Float64Array(Math.min(this.def.rra[r]!.rows, SMALL) * this.nd);
    }
  }

  /** Append one row of archive `r`: `nd` values of `src` from `at`. */
  push(r: number, src: Float64Array, at: number): void {
    const nd = this.nd;
    const n = this.count[r]!;
    let buf = this.bufs[r]!;
    const cap = buf.length / nd;
    const rows = this.def.rra[r]!.rows;
    if (n === cap && cap < rows) {
      // Grow before wrapping: row j sits at j % capacity, and only a full-size ring wraps.
      const bigger = new Float64Array(Math.min(rows, cap * 2) * nd);
      bigger.set(buf);
      this.bufs[r] = buf = bigger;
    }
    const o = (n % (buf.length / nd)) * nd;
    for (let i = 0; i < nd; i++) buf[o + i] = src[at + i]!;
    this.count[r] = n + 1;
  }

  /** Rows that end up in the file: the last min(count, rows) of each archive. */
  kept(r: number): number {
    return Math.min(this.count[r]!, this.def.rra[r]!.rows);
  }

  /** Values of the `k`-th kept row of archive `r` (oldest first): `nd` values from the returned index. */
  rowAt(r: number, k: number): { buf: Float64Array; at: number } {
    const buf = this.bufs[r]!;
    const cap = buf.length / this.nd;
    return { buf, at: ((this.count[r]! - this.kept(r) + k) % cap) * this.nd };
  }

  /** The ring runs (1–2 per archive) that hold the kept rows, given each archive's newest row. */
  segments(curRow: Uint32Array): Segment[] {
    const segs: Segment[] = [];
    for (let r = 0; r < this.count.length; r++) {
      const n = this.kept(r);
      if (n === 0) continue;
      const rows = this.def.rra[r]!.rows;
      const first = (curRow[r]! - n + 1 + rows) % rows;
      if (first + n <= rows) segs.push({ rra: r, startRow: first, rowCount: n });
      else {
        segs.push({ rra: r, startRow: first, rowCount: rows - first });
        segs.push({ rra: r, startRow: 0, rowCount: n - (rows - first) });
      }
    }
    return segs;
  }
}
