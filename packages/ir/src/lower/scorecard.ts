import { SchemaError, UnsupportedFeatureError } from "../errors.ts";
import type { Expr } from "../expr.ts";
import type { Characteristic, Scorecard, ScorecardAttribute } from "../models/scorecard.ts";
import type { Predicate } from "../predicate.ts";
import { memoizedPlan } from "./plan-cache.ts";

/**
 * Scorecard (PMML 4.4 §Scorecard) lowered: per Characteristic its Attributes in order, each with
 * its partial score (a number or the ComplexPartialScore expression) and, with useReasonCodes, the
 * reason code it earns points for (the Attribute's, else the Characteristic's) and the baseline
 * it is measured from (the Characteristic's, else the Scorecard's), the sign of the points fixed
 * by reasonCodeAlgorithm. Backends hold only the predicate tests, the sums and the ranking.
 */

export type ScorecardPartial =
  | { readonly kind: "score"; readonly value: number }
  | { readonly kind: "complex"; readonly expr: Expr }
  /** Neither partialScore nor ComplexPartialScore: the row that chooses the Attribute fails with it. */
  | { readonly kind: "fault"; readonly fault: SchemaError };

export type ScorecardReason =
  /** The index of the reason code in `ScorecardPlan.codes`; baseline NaN when neither level gives one (the points are then NaN). */
  | { readonly code: number; readonly baseline: number }
  /** No reason code at either level: the row that chooses the Attribute fails with it, once its partial score is known. */
  | { readonly fault: SchemaError };

export interface ScorecardAttributePlan {
  readonly predicate: Predicate;
  readonly partial: ScorecardPartial;
  /** undefined without useReasonCodes. */
  readonly reason: ScorecardReason | undefined;
  readonly path: string;
}

export interface CharacteristicPlan {
  readonly name: string | undefined;
  readonly attributes: readonly ScorecardAttributePlan[];
  readonly path: string;
}

export interface ScorecardPlan {
  readonly initialScore: number;
  readonly useReasonCodes: boolean;
  /** pointsAbove: points = partial − baseline; pointsBelow: baseline − partial. */
  readonly pointsAbove: boolean;
  /** The distinct reason codes in document order (a row ranks them by its own order of appearance). */
  readonly codes: readonly string[];
  readonly characteristics: readonly CharacteristicPlan[];
  readonly path: string;
}

export const lowerScorecard: (model: Scorecard) => ScorecardPlan = memoizedPlan((model: Scorecard): ScorecardPlan => {
  if (model.functionName !== "regression") {
    throw new UnsupportedFeatureError(`Scorecard@functionName=${model.functionName}`, undefined, { path: model.path });
  }
  const codes: string[] = [];
  const codeIndex = (code: string): number => {
    let k = codes.indexOf(code);
    if (k < 0) {
      codes.push(code);
      k = codes.length - 1;
    }
    return k;
  };
  const characteristics = model.characteristics.map(
    (ch): CharacteristicPlan => ({
      name: ch.name,
      attributes: ch.attributes.map((a) => ({
        predicate: a.predicate,
        partial: partial(a),
        reason: model.useReasonCodes ? reason(model, ch, a, codeIndex) : undefined,
        path: a.path,
      })),
      path: ch.path,
    }),
  );
  return {
    initialScore: model.initialScore,
    useReasonCodes: model.useReasonCodes,
    pointsAbove: model.reasonCodeAlgorithm === "pointsAbove",
    codes,
    characteristics,
    path: model.path,
  };
});

function partial(a: ScorecardAttribute): ScorecardPartial {
  // ComplexPartialScore, when present, takes precedence over partialScore.
  if (a.complexPartialScore) return { kind: "complex", expr: a.complexPartialScore };
  if (a.partialScore !== undefined) return { kind: "score", value: a.partialScore };
  return {
    kind: "fault",
    fault: new SchemaError("PMML_MISSING_ATTRIBUTE", "Attribute needs a partialScore or a ComplexPartialScore", { path: a.path, value: "partialScore" }),
  };
}

function reason(model: Scorecard, ch: Characteristic, a: ScorecardAttribute, codeIndex: (code: string) => number): ScorecardReason {
  const code = a.reasonCode ?? ch.reasonCode;
  if (code === undefined) {
    return {
      fault: new SchemaError("PMML_MISSING_ATTRIBUTE", "with useReasonCodes, an Attribute (or its Characteristic) needs a reasonCode", {
        path: a.path,
        value: "reasonCode",
      }),
    };
  }
  return { code: codeIndex(code), baseline: ch.baselineScore ?? model.baselineScore ?? NaN };
}
