import type { Scorecard } from "../models/scorecard.ts";
import type { ModelResult } from "../model.ts";
import { EvaluationError, SchemaError, UnsupportedFeatureError } from "../errors.ts";
import { toNumber } from "../values.ts";
import { evaluateExpr } from "./expression.ts";
import { evaluatePredicate } from "./predicate.ts";
import type { ModelScope } from "./scope.ts";
import type { TargetInfo } from "./target.ts";

/**
 * Scorecard (PMML 4.4 §Scorecard): score = initialScore + Σ partial scores, each from the first
 * Attribute of its Characteristic whose predicate is TRUE. With useReasonCodes, each partial
 * score earns its reason code the points (baseline − partial) for pointsBelow or
 * (partial − baseline) for pointsAbove; points are summed per code, negative totals dropped,
 * and the codes ranked by points, descending, ties in order of first appearance (as JPMML).
 */
export function evaluateScorecard(model: Scorecard, scope: ModelScope, _target: TargetInfo): ModelResult {
  if (model.functionName !== "regression") {
    throw new UnsupportedFeatureError(`Scorecard@functionName=${model.functionName}`, undefined, { path: model.path });
  }
  let score = model.initialScore;
  const points = new Map<string, number>();
  for (const characteristic of model.characteristics) {
    let matched = false;
    for (const attribute of characteristic.attributes) {
      if (evaluatePredicate(attribute.predicate, scope) !== true) continue;
      let partial: number;
      if (attribute.complexPartialScore) {
        const v = evaluateExpr(attribute.complexPartialScore, scope);
        // A missing complex partial score makes the whole score missing.
        if (v === null) return { value: null };
        partial = toNumber(v);
      } else if (attribute.partialScore !== undefined) {
        partial = attribute.partialScore;
      } else {
        throw new SchemaError("PMML_MISSING_ATTRIBUTE", "Attribute needs a partialScore or a ComplexPartialScore", { path: attribute.path, value: "partialScore" });
      }
      score += partial;
      if (model.useReasonCodes) {
        const code = attribute.reasonCode ?? characteristic.reasonCode;
        if (code === undefined) {
          throw new SchemaError("PMML_MISSING_ATTRIBUTE", "with useReasonCodes, an Attribute (or its Characteristic) needs a reasonCode", { path: attribute.path, value: "reasonCode" });
        }
        const baseline = characteristic.baselineScore ?? model.baselineScore!;
        const difference = model.reasonCodeAlgorithm === "pointsAbove" ? partial - baseline : baseline - partial;
        points.set(code, (points.get(code) ?? 0) + difference);
      }
      matched = true;
      break;
    }
    // "If not even a single Attribute evaluates to TRUE for a Characteristic, the scorecard returns an invalid value."
    if (!matched) {
      throw new EvaluationError("PMML_SCORECARD_NO_ATTRIBUTE", `no Attribute of Characteristic ${characteristic.name ?? ""} is TRUE`, { path: characteristic.path, value: characteristic.name });
    }
  }
  if (!model.useReasonCodes) return { value: score };
  const ranked = [...points.entries()].filter(([, p]) => p >= 0);
  ranked.sort((a, b) => b[1] - a[1]); // stable: ties keep first-appearance order
  return { value: score, reasonCodes: ranked.map(([code]) => code) };
}
