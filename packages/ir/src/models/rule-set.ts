import type { ModelBase } from "../model.ts";
import type { Predicate } from "../predicate.ts";
import type { ScoreDistribution } from "./tree.ts";

export interface SimpleRule {
  kind: "simpleRule";
  /** Explicit id, or the 1-based position among all SimpleRules (depth first) when none is given. */
  id: string;
  /** The predicted category as written; converted to the target's type when scored. */
  score: string;
  predicate: Predicate;
  recordCount?: number;
  nbCorrect?: number;
  /** 1 unless given (§SimpleRule). */
  confidence: number;
  /** 1 unless given (§SimpleRule). */
  weight: number;
  scoreDistributions: ScoreDistribution[];
  path: string;
}

/** A rule whose predicate guards nested rules (§CompoundRule). */
export interface CompoundRule {
  kind: "compoundRule";
  predicate: Predicate;
  rules: Rule[];
  path: string;
}

export type Rule = SimpleRule | CompoundRule;

export type RuleSelectionCriterion = "firstHit" | "weightedSum" | "weightedMax";

/** RuleSetModel (PMML 4.4 §RuleSetModel). */
export interface RuleSetModel extends ModelBase {
  kind: "ruleSet";
  /** The first RuleSelectionMethod is the one used for scoring. */
  criterion: RuleSelectionCriterion;
  defaultScore?: string;
  defaultConfidence?: number;
  recordCount?: number;
  nbCorrect?: number;
  rules: Rule[];
}
