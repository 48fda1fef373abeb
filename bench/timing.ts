/**
 * Timing for operations too long for Benchmark.js's sampling (whole batches of 10k-1M rows,
 * interpreter passes of seconds): one warm-up run, then repeated runs until a time budget is
 * spent, the median of them reported in the harness's Measurement shape.
 */
import type { BenchSize, Measurement } from "./harness.ts";

export interface RunsOptions {
  /** Stop repeating once this much time (ms) went into timed runs. Default 1500 (smoke: 1). */
  budgetMs?: number;
  /** At least this many timed runs, unless one run alone exceeds `longMs`. Default 3. */
  minRuns?: number;
  /** A run this long (ms) counts as enough on its own: the 1M-row and interpreter cases. Default 4000. */
  longMs?: number;
}

export function timeRuns(size: BenchSize, op: () => unknown, options: RunsOptions = {}): Measurement {
  const smoke = size === "smoke";
  const budget = smoke ? 1 : (options.budgetMs ?? 1500);
  const minRuns = smoke ? 1 : (options.minRuns ?? 3);
  const longMs = options.longMs ?? 4000;
  let t = performance.now();
  op(); // warm-up: compiles the hot paths, fills caches
  const warm = performance.now() - t;
  const samples: number[] = [];
  let spent = 0;
  const enough = () => samples.length >= 1 && (smoke || (warm >= longMs && samples.length >= 1) || (samples.length >= minRuns && spent >= budget));
  while (!enough()) {
    t = performance.now();
    op();
    const ms = performance.now() - t;
    samples.push(ms);
    spent += ms;
    if (samples.length >= 50) break;
  }
  return measurementOf(samples);
}

/** A Measurement from run times (ms): median, mean and the 95% margin of the mean. */
export function measurementOf(samples: readonly number[]): Measurement {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  const mean = sorted.reduce((s, x) => s + x, 0) / sorted.length;
  const sd = sorted.length > 1 ? Math.sqrt(sorted.reduce((s, x) => s + (x - mean) ** 2, 0) / (sorted.length - 1)) : 0;
  const rme = sorted.length > 1 ? ((1.96 * sd) / Math.sqrt(sorted.length) / mean) * 100 : 0;
  return { meanMs: mean, medianMs: median, rme, samples: sorted.length, hz: 1000 / mean };
}
