/** Latency and difference summaries: a bounded histogram for live counting, exact quantiles for reports. */

/** Buckets per doubling: each bucket is 2^(1/8) ≈ 9 % wide. */
const PER_OCTAVE = 8;
/** The smallest bucket's upper bound, ms (1 µs); values below count in it. */
const FLOOR_MS = 0.001;
/** Buckets from 1 µs to about 2^32 µs (over an hour). */
const BUCKETS = 32 * PER_OCTAVE;

/**
 * Latencies in log-spaced buckets: O(1) per observation, fixed memory, quantiles within one
 * bucket (≈ 9 %, reported as the bucket's upper bound, so never under the true value).
 */
export class LatencyHistogram {
  readonly #counts = new Uint32Array(BUCKETS);
  #count = 0;

  get count(): number {
    return this.#count;
  }

  observe(ms: number): void {
    const i = ms <= FLOOR_MS ? 0 : Math.min(BUCKETS - 1, Math.ceil(Math.log2(ms / FLOOR_MS) * PER_OCTAVE));
    this.#counts[i]!++;
    this.#count++;
  }

  /** The q-quantile (0 < q ≤ 1) in ms, 0 when empty. */
  quantile(q: number): number {
    if (this.#count === 0) return 0;
    const rank = Math.ceil(q * this.#count);
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.#counts[i]!;
      if (seen >= rank) return FLOOR_MS * 2 ** (i / PER_OCTAVE);
    }
    return FLOOR_MS * 2 ** ((BUCKETS - 1) / PER_OCTAVE);
  }
}

/** The q-quantile of ascending `sorted` values, linearly interpolated (NumPy's default); NaN when empty. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (at - lo);
}

export interface Summary {
  count: number;
  mean: number;
  min: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/** Count, mean and quantiles of `values` (sorted in place). */
export function summarize(values: number[]): Summary {
  values.sort((a, b) => a - b);
  const count = values.length;
  let sum = 0;
  for (const v of values) sum += v;
  return {
    count,
    mean: count === 0 ? Number.NaN : sum / count,
    min: count === 0 ? Number.NaN : values[0]!,
    p50: quantile(values, 0.5),
    p90: quantile(values, 0.9),
    p99: quantile(values, 0.99),
    max: count === 0 ? Number.NaN : values[count - 1]!,
  };
}
