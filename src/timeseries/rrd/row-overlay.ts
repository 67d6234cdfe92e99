/**
 * Rows named by the log records after the checkpoint, as the runs the records wrote, in log
 * order (a later run of the same rows wins). A writer writes them in place at its next
 * checkpoint, so an update costs one write (its record); readers patch what they read with them.
 * Their size is bounded by the log's: a few KB per open file.
 */
import { endianness } from 'node:os';

const LE = endianness() === 'LE';

interface Run {
  readonly rra: number;
  readonly firstRow: number;
  readonly count: number;
  readonly values: Float64Array;
}

export class RowOverlay {
  private runsInOrder: Run[] = [];

  constructor(private readonly nd: number) {}

  /** Rows held (counting a row once per run that wrote it). */
  get size(): number {
    let n = 0;
    for (const r of this.runsInOrder) n += r.count;
    return n;
  }

  clear(): void {
    this.runsInOrder = [];
  }

  /** Record `count` rows of archive `rra` from `firstRow`, values little-endian in `b` at `o`. */
  set(rra: number, firstRow: number, count: number, b: Buffer, o: number): void {
    const n = count * this.nd;
    const values = new Float64Array(n);
    if (LE) new Uint8Array(values.buffer).set(b.subarray(o, o + n * 8));
    else for (let i = 0; i < n; i++) values[i] = b.readDoubleLE(o + i * 8);
    this.runsInOrder.push({ rra, firstRow, count, values });
  }

  /** Overwrite, in `out` (ring rows `firstRow…firstRow+count` from `outAt`), the rows held here. */
  patch(rra: number, firstRow: number, count: number, out: Float64Array, outAt: number): void {
    const nd = this.nd;
    for (const run of this.runsInOrder) {
      if (run.rra !== rra) continue;
      const from = Math.max(firstRow, run.firstRow);
      const to = Math.min(firstRow + count, run.firstRow + run.count);
      if (from < to) out.set(run.values.subarray((from - run.firstRow) * nd, (to - run.firstRow) * nd), outAt + (from - firstRow) * nd);
    }
  }

  /**
   * The runs to write in place, in an order where later ones win: each archive's runs in log
   * order, a run that continues the previous one of its archive merged into it (single-sample
   * updates then make one write per archive per checkpoint). Archive, first ring row, values.
   */
  *runs(): Generator<[number, number, Float64Array]> {
    const nd = this.nd;
    const pending = new Map<number, { firstRow: number; count: number; parts: Float64Array[] }>();
    const flush = function* (rra: number): Generator<[number, number, Float64Array]> {
      const p = pending.get(rra);
      if (!p) return;
      pending.delete(rra);
      if (p.parts.length === 1) yield [rra, p.firstRow, p.parts[0]!];
      else {
        const values = new Float64Array(p.count * nd);
        let at = 0;
        for (const part of p.parts) {
          values.set(part, at);
          at += part.length;
        }
        yield [rra, p.firstRow, values];
      }
    };
    for (const r of this.runsInOrder) {
      const p = pending.get(r.rra);
      if (p && p.firstRow + p.count === r.firstRow) {
        p.count += r.count;
        p.parts.push(r.values);
        continue;
      }
      if (p) yield* flush(r.rra);
      pending.set(r.rra, { firstRow: r.firstRow, count: r.count, parts: [r.values] });
    }
    for (const rra of [...pending.keys()]) yield* flush(rra);
  }
}
