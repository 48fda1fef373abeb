/** Reading a latency histogram the way Prometheus does, for the charts (charts.ts). */

/** histogram_quantile over cumulative bucket counts (the last one +Inf), in milliseconds; null without requests. */
export function quantileMs(q: number, bounds: readonly number[], cumulative: readonly number[]): number | null {
  const total = cumulative[cumulative.length - 1] ?? 0;
  if (total <= 0) return null;
  const rank = q * total;
  for (let i = 0; i < cumulative.length; i++) {
    if (cumulative[i]! < rank) continue;
    // Past the last finite bound: that bound is all a histogram can say.
    if (i >= bounds.length) return bounds[bounds.length - 1]! * 1000;
    const lower = i === 0 ? 0 : bounds[i - 1]!;
    const below = i === 0 ? 0 : cumulative[i - 1]!;
    const inBucket = cumulative[i]! - below;
    const at = inBucket <= 0 ? bounds[i]! : lower + (bounds[i]! - lower) * ((rank - below) / inBucket);
    return at * 1000;
  }
  return bounds[bounds.length - 1]! * 1000;
}
