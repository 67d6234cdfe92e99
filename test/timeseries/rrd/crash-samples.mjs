/** The deterministic sample sequence shared by the crash test and its child. */
export function crashSample(t0, k) {
  return {
    time: t0 + k * 0.75,
    values: { g: Math.round(Math.sin(k) * 1e6) / 1e3, c: 1000 * k + (k % 7), d: (k % 13) - 6 },
  };
}
