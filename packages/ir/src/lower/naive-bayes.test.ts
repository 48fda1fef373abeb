import { describe, expect, it } from "vitest";
import type { BayesInput, NaiveBayesModel } from "../models/naive-bayes.ts";
import { lowerNaiveBayes, type NaiveBayesTarget } from "./naive-bayes.ts";

const counts = (...pairs: [string, number][]) => pairs.map(([value, count]) => ({ value, count }));

function model(inputs: BayesInput[], output = counts(["1", 4], ["2", 6])): NaiveBayesModel {
  return {
    kind: "naiveBayes",
    functionName: "classification",
    path: "/PMML/NaiveBayesModel",
    miningSchema: [],
    output: [],
    targets: [],
    localTransformations: [],
    threshold: 0.001,
    inputs,
    bayesOutput: { field: "y", counts: output },
  } as unknown as NaiveBayesModel;
}
const numeric: NaiveBayesTarget = { category: (t) => Number(t) };

describe("lowerNaiveBayes (PMML 4.4 §NaiveBayesModel)", () => {
  it("BayesOutput: typed categories in order, ln(count) priors, a category counted twice sums its logs", () => {
    const plan = lowerNaiveBayes(model([], counts(["1", 4], ["2.0", 6], ["2", 3])), numeric);
    expect(plan.categories).toEqual([1, 2]);
    expect(plan.counted).toBe(2);
    expect(plan.priors).toEqual([Math.log(4), Math.log(6) + Math.log(3)]);
  });

  it("§PairCounts: P(Ij | Tk) = count / Σ counts of Tk over the input; a zero count is the threshold; categories read as number and boolean", () => {
    const input: BayesInput = {
      kind: "bayesInput",
      field: "x",
      path: "/PMML/NaiveBayesModel/BayesInputs/BayesInput",
      pairCounts: [
        { value: "true", counts: counts(["1", 3], ["2", 0]) },
        { value: "2.5", counts: counts(["1", 1], ["2", 5]) },
      ],
    };
    const plan = lowerNaiveBayes(model([input]), numeric);
    const discrete = plan.inputs[0];
    expect(discrete.kind === "discrete" && discrete.pairs).toEqual([
      {
        text: "true",
        number: undefined,
        boolean: true,
        terms: [
          { category: 0, log: Math.log(3 / 4) },
          { category: 1, log: Math.log(0.001) },
        ],
      },
      {
        text: "2.5",
        number: 2.5,
        boolean: undefined,
        terms: [
          { category: 0, log: Math.log(1 / 4) },
          { category: 1, log: Math.log(5 / 5) },
        ],
      },
    ]);
  });

  it("§TargetValueStats: one density per category; a Gaussian of variance ≤ 0 is left out; a category no BayesOutput counts comes after the counted ones", () => {
    const input: BayesInput = {
      kind: "bayesInput",
      field: "x",
      path: "/p",
      pairCounts: [],
      stats: [
        { value: "2", distribution: { kind: "gaussian", mean: 1, variance: 0 } },
        { value: "3", distribution: { kind: "poisson", mean: 2 } },
        { value: "1", distribution: { kind: "gaussian", mean: 0, variance: 2 } },
      ],
    };
    const plan = lowerNaiveBayes(model([input]), numeric);
    expect(plan.categories).toEqual([1, 2, 3]);
    expect(plan.counted).toBe(2);
    expect(plan.inputs[0]).toEqual({
      kind: "continuous",
      field: "x",
      path: "/p",
      densities: [
        { category: 2, distribution: { kind: "poisson", mean: 2 } },
        { category: 0, distribution: { kind: "gaussian", mean: 0, variance: 2 } },
      ],
    });
  });
});
