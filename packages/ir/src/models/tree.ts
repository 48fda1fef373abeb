import type { ModelBase } from "../model.ts";
import type { Predicate } from "../predicate.ts";

export type TreeMissingValueStrategy =
  | "lastPrediction" | "nullPrediction" | "defaultChild" | "weightedConfidence"
  | "aggregateNodes" | "none";

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
