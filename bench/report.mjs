// What every bench prints its figures with: percentiles, medians, number formatting, and the
// one-line "ours | peer | ratio | target" format BENCHMARKS.md quotes.

/** The p-th percentile of `xs` (nearest rank); NaN for none. */
export const pct = (xs, p) => {
  if (xs.length === 0) return NaN;
  const s = Float64Array.from(xs).sort();
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

/** The median of `xs` (the mean of the middle two for an even count). */
export const median = (xs) => {
  const s = Float64Array.from(xs).sort();
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Three significant-ish digits: 123, 12.3, 1.23. */
export const fmt = (x) => (!Number.isFinite(x) ? String(x) : Math.abs(x) >= 100 ? x.toFixed(0) : Math.abs(x) >= 10 ? x.toFixed(1) : x.toFixed(2));

/** One figure beside its peer: `name: ours X unit | peer Y unit | ratio X/Y | target T`. */
export function line(name, ours, peerName, peer, unit, target) {
  const ratio = Number.isFinite(ours) && Number.isFinite(peer) && peer !== 0 ? (ours / peer).toFixed(2) : 'n/a';
  console.log(`${name}: ours ${fmt(ours)} ${unit} | ${peerName} ${fmt(peer)} ${unit} | ratio ${ratio} | target ${target}`);
}
