/**
 * A bounded window of one series: a ring buffer of the newest `capacity` samples (time + one
 * number per tracked field, NaN = unknown). Implements the expression language's `SeriesView`.
 * Growing (more samples, more fields) keeps what is held; fields added later are unknown in
 * older samples.
 */
import type { RateKind, SeriesView } from '../language/alert-expr/index.js';
import { sampleNumber } from './sample-number.js';

export class SampleWindow implements SeriesView {
  private times: Float64Array;
  private cols: Float64Array[] = [];
  private readonly names: string[] = [];
  private readonly kinds: RateKind[] = [];
  private readonly index = new Map<string, number>();
  /** Physical slot of the oldest sample. */
  private start = 0;
  private size = 0;

  constructor(
    private cap: number,
    public intervalMs: number,
  ) {
    if (!(cap >= 1)) throw new RangeError(`window capacity must be ≥ 1, got ${cap}`);
    this.times = new Float64Array(cap);
  }

  get length(): number {
    return this.size;
  }

  get capacity(): number {
    return this.cap;
  }

  get fields(): readonly string[] {
    return this.names;
  }

  time(i: number): number {
    return this.times[(this.start + i) % this.cap] as number;
  }

  column(field: string): number {
    return this.index.get(field) ?? -1;
  }

  value(column: number, i: number): number {
    return (this.cols[column] as Float64Array)[(this.start + i) % this.cap] as number;
  }

  rateKind(column: number): RateKind {
    return this.kinds[column] ?? 'counter';
  }

  /** Track `field` (no-op when tracked; a given `kind` replaces the previous one). */
  addField(field: string, kind: RateKind = 'counter'): number {
    const existing = this.index.get(field);
    if (existing !== undefined) {
      this.kinds[existing] = kind;
      return existing;
    }
    const col = this.names.length;
    this.names.push(field);
    this.kinds.push(kind);
    this.index.set(field, col);
    this.cols.push(new Float64Array(this.cap).fill(NaN));
    return col;
  }

  /** Append a sample; `valueOf(field)` gives each tracked field's number. Drops the oldest when full. */
  push(timeMs: number, valueOf: (field: string) => number): void {
    const slot = (this.start + this.size) % this.cap;
    this.times[slot] = timeMs;
    for (let c = 0; c < this.cols.length; c++) (this.cols[c] as Float64Array)[slot] = valueOf(this.names[c] as string);
    if (this.size < this.cap) this.size++;
    else this.start = (this.start + 1) % this.cap;
  }

  /** Append a sample whose values are the tracked fields of `record`, read as sample numbers. */
  pushRecord(timeMs: number, record: Readonly<Record<string, unknown>>): void {
    const slot = (this.start + this.size) % this.cap;
    this.times[slot] = timeMs;
    for (let c = 0; c < this.cols.length; c++) (this.cols[c] as Float64Array)[slot] = sampleNumber(record[this.names[c] as string]);
    if (this.size < this.cap) this.size++;
    else this.start = (this.start + 1) % this.cap;
  }

  /** Set a field of the newest sample (derived fields are computed after the sample is in). */
  setNewest(column: number, v: number): void {
    if (this.size === 0) return;
    (this.cols[column] as Float64Array)[(this.start + this.size - 1) % this.cap] = v;
  }

  /** Keep up to `capacity` samples from now on (never shrinks). */
  grow(capacity: number): void {
    if (capacity <= this.cap) return;
    const times = new Float64Array(capacity);
    const cols = this.cols.map(() => new Float64Array(capacity).fill(NaN));
    for (let i = 0; i < this.size; i++) {
      const p = (this.start + i) % this.cap;
      times[i] = this.times[p] as number;
      for (let c = 0; c < cols.length; c++) (cols[c] as Float64Array)[i] = (this.cols[c] as Float64Array)[p] as number;
    }
    this.times = times;
    this.cols = cols;
    this.start = 0;
    this.cap = capacity;
  }
}
