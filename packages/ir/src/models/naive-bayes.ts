import type { ModelBase } from "../model.ts";
import type { DerivedField } from "../fields.ts";

/** A (target category, count) pair; the category as written, converted to the target's type when scored. */
export interface TargetValueCount {
  value: string;
  count: number;
}

/** The distributions a continuous BayesInput may use (§NaiveBayesModel: Gaussian and Poisson). */
export type BayesDistribution = { kind: "gaussian"; mean: number; variance: number } | { kind: "poisson"; mean: number };

export interface TargetValueStat {
  value: string;
  distribution: BayesDistribution;
}

export interface PairCounts {
  /** The input category as written. */
  value: string;
  counts: TargetValueCount[];
}

export interface BayesInput {
  kind: "bayesInput";
  field: string;
  /** DerivedField (usually a Discretize) mapping the input onto the PairCounts categories. */
  derived?: DerivedField;
  pairCounts: PairCounts[];
  /** Continuous input: one distribution per target category (PMML 4.2+ TargetValueStats). */
  stats?: TargetValueStat[];
  path: string;
}

/** NaiveBayesModel (PMML 4.4 §NaiveBayesModel). */
export interface NaiveBayesModel extends ModelBase {
  kind: "naiveBayes";
  /** Probability used in place of zero counts and of densities below it. */
  threshold: number;
  inputs: BayesInput[];
  /** BayesOutput: the target and its class counts (the priors). */
  bayesOutput: { field: string; counts: TargetValueCount[] };
}
