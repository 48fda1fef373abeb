import type { Expr } from "../expr.ts";
import type { ModelBase } from "../model.ts";

/** ParentValue: the condition of one conditional probability table row. */
export interface ParentValue {
  parent: string;
  value: string;
}

/** DiscreteConditionalProbability (or the unconditional ValueProbability list of a root node). */
export interface DiscreteProbabilities {
  parents: ParentValue[];
  /** Probability of each value of the node, in document order. */
  probabilities: { value: string; probability: number }[];
}

/** The continuous distributions of a ContinuousNode; parameters are expressions (PMML 4.4 §BayesianNetworkModel). */
export type BayesNetDistribution =
  | { kind: "normal"; mean: Expr; variance: Expr }
  | { kind: "lognormal"; mean: Expr; variance: Expr }
  | { kind: "uniform"; lower: Expr; upper: Expr }
  | { kind: "triangular"; mean: Expr; lower: Expr; upper: Expr };

export type BayesNetNode =
  | { kind: "discrete"; name: string; values: string[]; tables: DiscreteProbabilities[]; path: string }
  | { kind: "continuous"; name: string; tables: { parents: ParentValue[]; distribution: BayesNetDistribution }[]; path: string };

/** BayesianNetworkModel: a directed network of discrete and continuous nodes, scored by exact inference. */
export interface BayesianNetworkModel extends ModelBase {
  kind: "bayesianNetwork";
  nodes: BayesNetNode[];
}
