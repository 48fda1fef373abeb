import type { BaselineModel, ContinuousDistribution } from "../models/baseline.ts";
import type { ModelResult } from "../model.ts";
import { toNumber } from "../values.ts";
import type { ModelScope } from "./scope.ts";
import type { TargetInfo } from "./target.ts";

/** Mean and variance of a continuous distribution (PMML §Statistics). */
export function moments(d: ContinuousDistribution): { mean: number; variance: number } {
  switch (d.kind) {
    case "gaussian":
    case "any":
      return { mean: d.mean, variance: d.variance };
    case "poisson":
      return { mean: d.mean, variance: d.mean };
    case "uniform":
      return { mean: (d.lower + d.upper) / 2, variance: (d.upper - d.lower) ** 2 / 12 };
    default: {
      const never: never = d;
      return never;
    }
  }
}

/**
 * BaselineModel, testStatistic="zValue" (PMML 4.4 §BaselineModel): z = (x − μ) / σ with μ and σ²
 * the Baseline distribution's mean and variance. The predicted value is z; a missing x gives a
 * missing z.
 */
export function evaluateBaseline(model: BaselineModel, scope: ModelScope, _target: TargetInfo): ModelResult {
  const x = scope.resolve(model.field);
  if (x === null) return { value: null };
  const { mean, variance } = moments(model.baseline);
  return { value: (toNumber(x) - mean) / Math.sqrt(variance) };
}
