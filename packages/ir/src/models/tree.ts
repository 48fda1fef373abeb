import type { ModelBase } from "../model.ts";
import type { Predicate } from "../predicate.ts";

export type TreeMissingValueStrategy = "lastPrediction" | "nullPrediction" | "defaultChild" | "weightedConfidence" | "aggregateNodes" | "none";

export interface ScoreDistribution {
  /** Category as text; converted to the target's type by the evaluator. */
  value: string;
  recordCount: number;
  confidence?: number;
  probability?: number;
}

export interface TreeNode {
  id?: string;
  score?: string;
  recordCount?: number;
  defaultChild?: string;
  predicate: Predicate;
  scoreDistributions: ScoreDistribution[];
  children: TreeNode[];
  path: string;
}

export interface TreeModel extends ModelBase {
  kind: "tree";
  missingValueStrategy: TreeMissingValueStrategy;
  missingValuePenalty: number;
  noTrueChildStrategy: "returnNullPrediction" | "returnLastPrediction";
  splitCharacteristic: "binarySplit" | "multiSplit";
  root: TreeNode;
}

/**
 * The class probabilities of a node's ScoreDistributions, in document order, as JPMML reads
 * them: when the first entry has @probability every entry's @probability is used, otherwise
 * every @recordCount; either way they are divided by their sum unless it is exactly 1
 * ("the predicted probabilities must sum to 1"). A zero sum gives no probabilities (null).
 */
export function scoreDistributionProbabilities(distributions: readonly ScoreDistribution[]): number[] | null {
  if (distributions.length === 0) return null;
  const useProbability = distributions[0].probability !== undefined;
  const weights = distributions.map((d) => (useProbability ? (d.probability ?? 0) : d.recordCount));
  let sum = 0;
  for (const w of weights) sum += w;
  if (sum === 0) return null;
  return sum === 1 ? weights : weights.map((w) => w / sum);
}
