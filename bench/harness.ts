/**
 * What a benchmark suite is, and how it measures. A suite is a module `bench/suites/<name>.ts`
 * whose default export is `defineSuite({...})`; `bench/run.ts` finds it by file name.
 */
import Benchmark from "benchmark";
import type { ChartSpec } from "porta/chart";

/** `full` for real numbers; `smoke` runs every code path in a fraction of a second (tests). */
export type BenchSize = "full" | "smoke";

/** Timing of one operation, from Benchmark.js samples. */
export interface Measurement {
  /** Mean time per operation, ms. */
  meanMs: number;
  /** Median over samples of the time per operation, ms: what ratios use, steadier on a busy machine. */
  medianMs: number;
  /** Relative margin of error of the mean at 95%, percent. */
  rme: number;
  samples: number;
  /** Operations per second, from the mean. */
  hz: number;
}

/** One row of a suite's results. */
export interface BenchResult extends Measurement {
  /** What was measured: "naive", "linear", "local hit", ... */
  case: string;
  /** Problem size, for suites that sweep one. */
  n?: number;
  /** Elements processed per second, when one operation processes `n` elements. */
  elementsPerSec?: number;
}

/** The chart a suite draws (bench/results/<name>.svg), written by `porta/chart`. */
export type { ChartSpec } from "porta/chart";

export interface SuiteReport {
  /** Named ratios measured in this run (`naive/linear@20000`), the figures acceptance checks read. */
  ratios: Record<string, number>;
  results: BenchResult[];
  chart?: ChartSpec;
  /** Facts a reader needs next to the numbers (what the scorer does, which variant won, ...). */
  notes?: string[];
}

export interface BenchContext {
  readonly size: BenchSize;
  /** Progress for humans; goes to stderr, never to stdout (stdout may carry the JSON). */
  log(line: string): void;
  /** Measures a synchronous operation with Benchmark.js. */
  measure(label: string, op: () => unknown): Promise<Measurement>;
  /** Measures an asynchronous operation (Benchmark.js deferred mode: one op at a time). */
  measureAsync(label: string, op: () => Promise<unknown>): Promise<Measurement>;
}

export interface BenchSuite {
  /** Same as the file name: `npm run bench -- <name>`. */
  name: string;
  description: string;
  run(context: BenchContext): Promise<SuiteReport>;
}

/** Identity function that gives a suite module its type. */
export function defineSuite(suite: BenchSuite): BenchSuite {
  return suite;
}

/** Benchmark.js settings per size: `maxTime` bounds each case (seconds). */
const TIMING: Record<BenchSize, Benchmark.Options> = {
  full: { maxTime: 0.5, minSamples: 5, delay: 0 },
  smoke: { maxTime: 0.01, minSamples: 1, minTime: 0.001, initCount: 1, delay: 0 },
};

export function createContext(size: BenchSize, log: (line: string) => void = (line) => process.stderr.write(`${line}\n`)): BenchContext {
  const run = (label: string, options: Benchmark.Options): Promise<Measurement> =>
    new Promise((resolve, reject) => {
      const bench = new Benchmark(label, {
        ...TIMING[size],
        ...options,
        onError: () => reject(bench.error),
        onAbort: () => reject(bench.error ?? new Error(`${label}: aborted`)),
        onComplete() {
          if (bench.error) reject(bench.error);
          else resolve(measurementOf(bench));
        },
      });
      bench.run({ async: true });
    });
  return {
    size,
    log,
    measure: (label, op) => run(label, { fn: op }),
    measureAsync: (label, op) =>
      run(label, {
        defer: true,
        fn: (deferred: Benchmark.Deferred) => {
          op().then(
            () => deferred.resolve(),
            (e: unknown) => {
              // Benchmark.js has no rejection path for deferred ops: fail the whole measurement.
              deferred.benchmark.error = e instanceof Error ? e : new Error(String(e));
              deferred.benchmark.abort();
            },
          );
        },
      }),
  };
}

function measurementOf(bench: Benchmark): Measurement {
  const samples = [...bench.stats.sample].sort((a, b) => a - b);
  const mid = samples.length >> 1;
  const median = samples.length === 0 ? bench.stats.mean : samples.length % 2 ? samples[mid]! : (samples[mid - 1]! + samples[mid]!) / 2;
  return {
    meanMs: bench.stats.mean * 1e3,
    medianMs: median * 1e3,
    rme: bench.stats.rme,
    samples: samples.length,
    hz: bench.hz,
  };
}

/** `a/b` of two timings by their medians, rounded to 4 significant digits. */
export function timeRatio(a: Measurement, b: Measurement): number {
  return Number((a.medianMs / b.medianMs).toPrecision(4));
}
