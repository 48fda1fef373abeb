import type { BayesDistribution, NaiveBayesModel } from "../models/naive-bayes.ts";
import { lowerNaiveBayes, type NaiveBayesInputPlan, type PairCountsPlan } from "../lower/naive-bayes.ts";
import type { ModelResult } from "../model.ts";
import { EvaluationError } from "../errors.ts";
import { formatValue, toDataType, type Value } from "../values.ts";
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
  const plan = lowerNaiveBayes(model, { category: (text) => toCategory(text, target) });
  const logs = plan.priors.slice();
  // The categories of this row's result in the order they got a term: the counted ones, then
  // those only an input names, as an input adds to them.
  const order = plan.categories.slice(0, plan.counted).map((_c, k) => k);
  const add = (k: number, log: number) => {
    if (logs[k] === undefined) {
      logs[k] = 0;
      order.push(k);
    }
    logs[k] += log;
  };
  for (const input of plan.inputs) {
    let v = scope.resolve(input.field);
    if (v === null) continue;
    if (input.kind === "continuous") {
      const x = numeric(v, input);
      for (const { category, distribution } of input.densities) {
        let p = density(distribution, x);
        if (p < plan.threshold) p = plan.threshold;
        add(category, Math.log(p));
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
    const pair = input.pairs.find((p) => sameCategory(p, v));
    if (!pair) continue;
    for (const term of pair.terms) add(term.category, term.log);
  }
  return softmaxResult(plan.categories, order, logs);
}

function softmaxResult(categories: readonly Value[], order: readonly number[], logs: readonly number[]): ModelResult {
  if (order.length === 0) return { value: null };
  let max = -Infinity;
  let first = true;
  for (const k of order)
    if (first || logs[k] > max) {
      max = logs[k];
      first = false;
    }
  const probabilities = new Map<Value, number>();
  let sum = 0;
  for (const k of order) {
    // JPMML's ValueUtil.normalizeSoftMax calls java.lang.Math.exp (HotSpot's intrinsic, correctly
    // rounded in practice); V8's Math.exp is off by one ulp on about 1 input in 10, so the
    // correctly rounded exp is used, as in NeuralNetwork, GeneralRegression and SVM.
    const e = exp(logs[k] - max);
    probabilities.set(categories[k], e);
    sum += e;
  }
  if (sum !== 1) for (const [k, e] of probabilities) probabilities.set(k, e / sum);
  let best: Value = null,
    bestP = -Infinity;
  for (const [k, p] of probabilities)
    if (best === null || p > bestP) {
      best = k;
      bestP = p;
    }
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

function numeric(v: Value, input: NaiveBayesInputPlan): number {
  if (typeof v === "number") return v;
  if (typeof v === "boolean") return v ? 1 : 0;
  throw new EvaluationError(
    "PMML_NOT_A_NUMBER",
    `BayesInput "${input.field}" has TargetValueStats but the value ${JSON.stringify(formatValue(v))} is not a number`,
    { path: input.path, value: v },
  );
}

/** A category written in the document against a typed value: numbers numerically, else as text. */
function sameCategory(pair: PairCountsPlan, v: Value): boolean {
  if (typeof v === "number") return pair.number === v;
  if (typeof v === "boolean") return pair.boolean === v;
  return formatValue(v) === pair.text;
}
