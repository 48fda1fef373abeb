import type { Expr } from "../expr.ts";
import type { ModelBase } from "../model.ts";
import type { Predicate } from "../predicate.ts";

/** Attribute: one bin of a Characteristic; the first whose predicate is TRUE scores. */
export interface ScorecardAttribute {
  predicate: Predicate;
  /** Attribute/@partialScore; ComplexPartialScore, when present, takes precedence. */
  partialScore?: number;
  complexPartialScore?: Expr;
  reasonCode?: string;
  path: string;
}

export interface Characteristic {
  name?: string;
  reasonCode?: string;
  /** Characteristic/@baselineScore, else the Scorecard's. */
  baselineScore?: number;
  attributes: ScorecardAttribute[];
  path: string;
}

/** Scorecard (PMML 4.4 §Scorecard): initialScore plus one partial score per Characteristic. */
export interface Scorecard extends ModelBase {
  kind: "scorecard";
  initialScore: number;
  useReasonCodes: boolean;
  reasonCodeAlgorithm: "pointsAbove" | "pointsBelow";
  baselineScore?: number;
  baselineMethod: "max" | "min" | "mean" | "neutral" | "other";
  characteristics: Characteristic[];
}
