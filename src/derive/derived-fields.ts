/**
 * `timeseries derive` at run time (SPEC §9): after each tick, compute the derived fields in
 * order, reading the thread's own window (whose newest sample is this tick), other RunThreads'
 * windows and the named round-robin files. Each value is written into the newest sample (a later
 * derived field or an alert may read it) and returned; unknown is `null` in the result.
 */
import path from 'node:path';
import type { DeriveSpec } from '../config/derive-config.js';
import type { Logger } from '../core/logger.js';
import { compileExpression, seriesNeeds, type CompiledExpression, type EvalContext, type SeriesView } from '../language/alert-expr/index.js';
import { RrdSourceSeries } from '../windows/rrd-source.js';
import type { SampleWindow } from '../windows/sample-window.js';

export class DerivedFields {
  private readonly fields: readonly { readonly name: string; readonly compute: CompiledExpression }[];
  private readonly sources = new Map<string, RrdSourceSeries>();

  constructor(spec: DeriveSpec, baseDir: string, logger: Logger) {
    this.fields = spec.fields.map((f) => ({ name: f.name, compute: compileExpression(f.expression.root) }));
    for (const s of spec.sources) {
      let samples = 1;
      let seconds = 0;
      for (const f of spec.fields) {
        for (const n of seriesNeeds(f.expression.root)) {
          if (n.thread !== s.name) continue;
          samples = Math.max(samples, n.samples);
          seconds = Math.max(seconds, n.seconds);
        }
      }
      this.sources.set(s.name, new RrdSourceSeries(path.resolve(baseDir, s.path), { samples, seconds }, logger));
    }
  }

  get names(): readonly string[] {
    return this.fields.map((f) => f.name);
  }

  /** Whether any source file is read (then each tick waits for the reads). */
  get hasSources(): boolean {
    return this.sources.size > 0;
  }

  /** A named source (read-only round-robin file), when `name` is one. */
  source(name: string): SeriesView | undefined {
    return this.sources.get(name);
  }

  /** Read the source files that changed since the last tick. */
  async refresh(): Promise<void> {
    if (this.sources.size === 0) return;
    await Promise.all([...this.sources.values()].map((s) => s.refresh()));
  }

  /**
   * Compute every derived field at `ctx.now` (own window already holding this tick's sample);
   * returns name → value (null when unknown).
   */
  compute(ctx: EvalContext, own: SampleWindow | undefined): Record<string, number | null> {
    const out: Record<string, number | null> = {};
    for (const f of this.fields) {
      const v = f.compute(ctx);
      out[f.name] = Number.isFinite(v) ? v : null;
      if (own) {
        const col = own.column(f.name);
        if (col >= 0) own.setNewest(col, v);
      }
    }
    return out;
  }
}
