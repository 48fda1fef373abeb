import type { BayesDistribution, BayesInput, NaiveBayesModel } from "../models/naive-bayes.ts";
import type { ModelResult } from "../model.ts";
import { EvaluationError } from "../errors.ts";
import { formatValue, parseNumber, toDataType, type Value } from "../values.ts";
import { evaluateExpr } from "./expression.ts";
import type { ModelScope } from "./scope.ts";
import { toCategory, type TargetInfo } from "./target.ts";
import { exp } from "./exp.ts";

/**
 * NaiveBayesModel (PMML 4.4 §NaiveBayesModel): P(Tk | inputs) ∝ count(Tk) · Π P(Ij | Tk).
 * Computed in log space as JPMML does (Σ ln, then a max-shifted softmax), in document order:
 * - missing inputs, and input values no PairCounts names, are ignored;
 * - discrete P(Ij | Tk) = count(Ij, Tk) / Σ_i count(Ii, Tk), a zero count is replaced by threshold;
 * - continuous inputs use the category's Gaussian/Poisson density, floored at threshold
 *   (a Gaussian of variance ≤ 0 contributes nothing).
 */
export function evaluateNaiveBayes(model: NaiveBayesModel, scope: ModelScope, target: TargetInfo): ModelResult {
  const logs = new Map<Value, number>();
  const add = (category: string, probability: number) => {
    const key = toCategory(category, target);
    logs.set(key, (logs.get(key) ?? 0) + Math.log(probability));
  };
  for (const c of model.bayesOutput.counts) add(c.value, c.count);
  for (const input of model.inputs) {
    let v = scope.resolve(input.field);
    if (v === null) continue;
    if (input.stats) {
      const x = numeric(v, input);
      for (const stat of input.stats) {
        if (stat.distribution.kind === "gaussian" && stat.distribution.variance <= 0) continue;
        let p = density(stat.distribution, x);
        if (p < model.threshold) p = model.threshold;
        add(stat.value, p);
      }
      continue;
    }
    if (input.derived) {
      v = evaluateExpr(input.derived.expr, scope);
      if (v === null) continue;
      const typed = toDataType(v, input.derived.dataType);
      if (typed === undefined || typed === null) continue;
      v = typed;
    }
    const pair = input.pairCounts.find((p) => sameCategory(p.value, v));
    if (!pair) continue;
    const sums = countSums(input);
    for (const c of pair.counts) {
      // Precision.EPSILON test, as JPMML: only a (near-)zero count falls back to threshold.
      const p = Math.abs(c.count) <= 1.1102230246251565e-16 ? model.threshold : c.count / (sums.get(c.value) ?? NaN);
      add(c.value, p);
    }
  }
  return softmaxResult(logs);
}

const countSumCache = new WeakMap<BayesInput, Map<string, number>>();

/** Σ over the input's PairCounts of each target category's count (the denominator of P(Ij | Tk)). */
function countSums(input: BayesInput): Map<string, number> {
  let sums = countSumCache.get(input);
  if (!sums) {
    sums = new Map();
    for (const pair of input.pairCounts) {
      for (const c of pair.counts) {
        const prev = sums.get(c.value);
        sums.set(c.value, prev === undefined ? c.count : prev + c.count);
      }
    }
    countSumCache.set(input, sums);
  }
  return sums;
}

function softmaxResult(logs: Map<Value, number>): ModelResult {
  if (logs.size === 0) return { value: null };
  let max = -Infinity;
  let first = true;
  for (const v of logs.values()) if (first || v > max) { max = v; first = false; }
  const probabilities = new Map<Value, number>();
  let sum = 0;
  for (const [k, v] of logs) {
    // JPMML's ValueUtil.normalizeSoftMax calls java.lang.Math.exp (HotSpot's intrinsic, correctly
    // rounded in practice); V8's Math.exp is off by one ulp on about 1 input in 10, so the
    // correctly rounded exp is used, as in NeuralNetwork, GeneralRegression and SVM.
    const e = exp(v - max);
    probabilities.set(k, e);
    sum += e;
  }
  if (sum !== 1) for (const [k, e] of probabilities) probabilities.set(k, e / sum);
  let best: Value = null, bestP = -Infinity;
  for (const [k, p] of probabilities) if (best === null || p > bestP) { best = k; bestP = p; }
  return { value: best, probabilities };
}

/** Gaussian density as commons-math computes it: exp(-x₁²/2 − (ln σ + ln(2π)/2)). */
function density(d: BayesDistribution, x: number): number {
  if (d.kind === "gaussian") {
    const sd = Math.sqrt(d.variance);
    const x1 = (x - d.mean) / sd;
    return Math.exp(-0.5 * x1 * x1 - (Math.log(sd) + 0.5 * Math.log(2 * Math.PI)));
  }
  // Poisson: P(k) = e^-λ λ^k / k!, for the integer part of x.
  const k = Math.trunc(x);
  if (k < 0) return 0;
  if (k === 0) return Math.exp(-d.mean);
  let logFactorial = 0;
  for (let i = 2; i <= k; i++) logFactorial += Math.log(i);
  return Math.exp(k * Math.log(d.mean) - d.mean - logFactorial);
}

function numeric(v: Value, input: BayesInput): number {
  if (typeof v === "number") return v;
  if (typeof v === "boolean") return v ? 1 : 0;
  throw new EvaluationError("PMML_NOT_A_NUMBER", `BayesInput "${input.field}" has TargetValueStats but the value ${JSON.stringify(formatValue(v))} is not a number`, { path: input.path, value: v });
}

/** A category written in the document against a typed value: numbers numerically, else as text. */
function sameCategory(text: string, v: Value): boolean {
  if (typeof v === "number") return parseNumber(text) === v;
  if (typeof v === "boolean") return toDataType(text, "boolean") === v;
  return formatValue(v) === text;
}
