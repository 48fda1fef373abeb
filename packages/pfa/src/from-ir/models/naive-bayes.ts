import type { NaiveBayesModel, TargetInfo } from "@porta/ir";
import { lowerNaiveBayes } from "@porta/ir";
import { type Block, type Json, cannotConvert, literal } from "../code.ts";
import type { Env } from "../fields.ts";
import { classificationResult } from "./regression.ts";
import { category, type ModelCode } from "./result.ts";

const ARRAY: Json = { type: "array", items: "double" };

/**
 * NaiveBayesModel (PMML 4.4 §NaiveBayesModel) in log space as JPMML computes it (the
 * interpreter's evaluateNaiveBayes): ln count(Tk) plus, input by input in document order, the
 * ln of each category's probability of the value (a missing input or an unlisted value adds
 * nothing; densities below the threshold count as the threshold), then a max-shifted softmax.
 * model.naive.* keeps other orders and has no threshold, so the arithmetic is written out.
 */
export function convertNaiveBayes(model: NaiveBayesModel, target: TargetInfo, env: Env, block: Block): ModelCode {
  const plan = lowerNaiveBayes(model, { category: (text) => category(text, target) });
  if (plan.counted !== plan.categories.length) {
    cannotConvert("BayesInput/PairCounts", "a category the BayesOutput does not count (its order depends on the row) is not converted", model.path);
  }
  const K = plan.categories.length;
  const logs: Json[] = plan.priors.map((p) => literal(p, "double").expr);
  const threshold = literal(plan.threshold, "double").expr;
  for (const input of plan.inputs) {
    const v = env.resolve(input.field);
    const x = block.fresh("x");
    const present = v.nullable ? x : v.expr;
    const increments: Json[] = Array.from({ length: K }, () => ({ double: 0 }));
    if (input.kind === "continuous") {
      if (v.type !== "double") cannotConvert(`BayesInput[@fieldName=${input.field}]`, "a non-numeric continuous input is not converted", input.path);
      for (const { category: k, distribution: d } of input.densities) {
        if (d.kind !== "gaussian") cannotConvert("PoissonDistribution", "not converted", input.path);
        const sd = Math.sqrt(d.variance);
        // exp(-0.5·x₁·x₁ − (ln σ + 0.5·ln 2π)), x₁ = (x − μ)/σ (commons-math), floored at the threshold.
        const x1: Json = { "/": [{ "-": [present, literal(d.mean, "double").expr] }, literal(sd, "double").expr] };
        const exponent: Json = {
          "-": [{ "*": [{ "*": [{ double: -0.5 }, "x1"] }, "x1"] }, literal(Math.log(sd) + 0.5 * Math.log(2 * Math.PI), "double").expr],
        };
        const density: Json = {
          do: [{ let: { x1 } }, { let: { pd: { "m.exp": exponent } } }, { "m.ln": { if: { "<": ["pd", threshold] }, then: threshold, else: "pd" } }],
        };
        increments[k] = density;
      }
    } else {
      if (input.derived) cannotConvert(`BayesInput[@fieldName=${input.field}]/DerivedField`, "an input's own discretisation is not converted", input.path);
      // The first PairCounts whose value the input equals gives each category's term.
      for (let k = 0; k < K; k++) {
        let chosen: Json = { double: 0 };
        for (let i = input.pairs.length - 1; i >= 0; i--) {
          const pair = input.pairs[i];
          const term = pair.terms.find((t) => t.category === k);
          const value = v.type === "double" ? (pair.number === undefined ? null : literal(pair.number, "double").expr) : literal(pair.text, "string").expr;
          if (value === null) continue;
          chosen = { if: { "==": [present, value] }, then: term ? literal(term.log, "double").expr : { double: 0 }, else: chosen };
        }
        increments[k] = chosen;
      }
    }
    for (let k = 0; k < K; k++) {
      const inc: Json = v.nullable ? { ifnotnull: { [x]: v.expr }, then: increments[k], else: { double: 0 } } : increments[k];
      logs[k] = block.bind({ expr: { "+": [logs[k], inc] }, type: "double", nullable: false }, "lnp").expr;
    }
  }
  // Max-shifted softmax in category order; x / 1 is x, so the skipped division at a sum of 1 changes nothing.
  const max = block.bind({ expr: logs.reduce((a, b) => ({ if: { ">": [b, a] }, then: b, else: a })), type: "double", nullable: false }, "max");
  const es = logs.map((l) => block.bind({ expr: { "m.exp": { "-": [l, max.expr] } }, type: "double", nullable: false }, "e").expr);
  const sum = block.bind({ expr: es.reduce((a, b) => ({ "+": [a, b] })), type: "double", nullable: false }, "sum");
  return classificationResult({ new: es.map((e) => ({ "/": [e, sum.expr] })), type: ARRAY }, plan.categories, block, target);
}
