import type { Scorecard } from "../models/scorecard.ts";
import type { ModelResult } from "../model.ts";
import { EvaluationError } from "../errors.ts";
import { lowerScorecard } from "../lower/scorecard.ts";
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
 * Partial scores, reason codes and baselines come from the plan (lower/scorecard.ts).
 */
export function evaluateScorecard(model: Scorecard, scope: ModelScope, _target: TargetInfo): ModelResult {
  const plan = lowerScorecard(model);
  let score = plan.initialScore;
  // Points per reason code index, in the row's order of first appearance (the ranking's tie order).
  const points = new Map<number, number>();
  for (const characteristic of plan.characteristics) {
    let matched = false;
    for (const attribute of characteristic.attributes) {
      if (evaluatePredicate(attribute.predicate, scope) !== true) continue;
      let partial: number;
      switch (attribute.partial.kind) {
        case "complex": {
          const v = evaluateExpr(attribute.partial.expr, scope);
          // A missing complex partial score makes the whole score missing.
          if (v === null) return { value: null };
          partial = toNumber(v);
          break;
        }
        case "score":
          partial = attribute.partial.value;
          break;
        case "fault":
          throw attribute.partial.fault;
      }
      score += partial;
      const reason = attribute.reason;
      if (reason !== undefined) {
        if ("fault" in reason) throw reason.fault;
        const difference = plan.pointsAbove ? partial - reason.baseline : reason.baseline - partial;
        points.set(reason.code, (points.get(reason.code) ?? 0) + difference);
      }
      matched = true;
      break;
    }
    // "If not even a single Attribute evaluates to TRUE for a Characteristic, the scorecard returns an invalid value."
    if (!matched) {
      throw new EvaluationError("PMML_SCORECARD_NO_ATTRIBUTE", `no Attribute of Characteristic ${characteristic.name ?? ""} is TRUE`, {
        path: characteristic.path,
        value: characteristic.name,
      });
    }
  }
  if (!plan.useReasonCodes) return { value: score };
  const ranked = [...points.entries()].filter(([, p]) => p >= 0);
  ranked.sort((a, b) => b[1] - a[1]); // stable: ties keep first-appearance order
  return { value: score, reasonCodes: ranked.map(([code]) => plan.codes[code]) };
}
