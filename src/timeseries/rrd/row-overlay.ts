/**
 * Rows named by the log records after the checkpoint, newest value per ring row. A writer puts
 * each record's rows in place right after the record, so these usually equal what is on disk;
 * they differ only when a writer died between the two writes. Readers patch what they read with
 * them; a writer taking over writes them in place first (`rrd-file.ts`).
 */
export class RowOverlay {
  private readonly rows: Map<number, Float64Array>[];

  constructor(
    rraCount: number,
    private readonly nd: number,
  ) {
    this.rows = Array.from({ length: rraCount }, () => new Map());
  }

  get size(): number {
    return this.rows.reduce((n, m) => n + m.size, 0);
  }

  /** Record `count` rows of archive `rra` from `firstRow`, values little-endian in `b` at `o`. */
  set(rra: number, firstRow: number, count: number, b: Buffer, o: number): void {
    const m = this.rows[rra]!;
    const nd = this.nd;
    for (let k = 0; k < count; k++) {
      const v = new Float64Array(nd);
      for (let i = 0; i < nd; i++) v[i] = b.readDoubleLE(o + (k * nd + i) * 8);
      m.set(firstRow + k, v);
    }
  }

  /** Overwrite, in `out` (ring rows `firstRow…firstRow+count` from `outAt`), the rows held here. */
  patch(rra: number, firstRow: number, count: number, out: Float64Array, outAt: number): void {
    const m = this.rows[rra]!;
    if (m.size === 0) return;
    for (const [row, v] of m) {
      if (row >= firstRow && row < firstRow + count) out.set(v, outAt + (row - firstRow) * this.nd);
    }
  }

  /** Every held row: archive, ring row, values. */
  *entries(): Generator<[number, number, Float64Array]> {
    for (let r = 0; r < this.rows.length; r++) for (const [row, v] of this.rows[r]!) yield [r, row, v];
  }
}
