import type { ModelBase } from "../model.ts";

/** A continuous distribution of PMML §Statistics (CONTINUOUS-DISTRIBUTION-TYPES). */
export type ContinuousDistribution =
  | { kind: "gaussian"; mean: number; variance: number }
  | { kind: "poisson"; mean: number }
  | { kind: "uniform"; lower: number; upper: number }
  | { kind: "any"; mean: number; variance: number };

/**
 * BaselineModel (PMML 4.4 §BaselineModel), the row-by-row test statistics: the z-value of the
 * field under the Baseline distribution. Statistics that accumulate over a stream of rows (CUSUM,
 * windowSize > 0) or read count tables (chi-square, scalarProduct) are rejected at parse time.
 */
export interface BaselineModel extends ModelBase {
  kind: "baseline";
  testStatistic: "zValue";
  /** TestDistributions/@field: the field tested. */
  field: string;
  baseline: ContinuousDistribution;
}
