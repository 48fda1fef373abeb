import { describe, expect, it } from "vitest";
import { SchemaError } from "../errors.ts";
import type { ComparisonField, ComparisonMeasure, Measure } from "../models/comparison-measure.ts";
import { lowerComparison, type DistancePlan, type SimilarityPlan } from "./comparison-measure.ts";

const cm = (measure: Measure, compareFunction: ComparisonMeasure["compareFunction"] = "absDiff"): ComparisonMeasure => ({
  kind:
    measure.kind === "euclidean" ||
    measure.kind === "squaredEuclidean" ||
    measure.kind === "chebychev" ||
    measure.kind === "cityBlock" ||
    measure.kind === "minkowski"
      ? "distance"
      : "similarity",
  measure,
  compareFunction,
  path: "/PMML/ClusteringModel/ComparisonMeasure",
});
const field = (name: string, more: Partial<ComparisonField> = {}): ComparisonField => ({
  kind: "comparisonField",
  field: name,
  fieldWeight: 1,
  path: `/F[${name}]`,
  ...more,
});
const distance = (plan: ReturnType<typeof lowerComparison>): DistancePlan => {
  if (plan.kind !== "distance") throw new Error("expected a distance plan");
  return plan;
};
const similarity = (plan: ReturnType<typeof lowerComparison>): SimilarityPlan => {
  if (plan.kind !== "similarity") throw new Error("expected a similarity plan");
  return plan;
};

describe("lowerComparison (PMML 4.4 §ClusteringModel, Comparison measures)", () => {
  it("§Distance measures: euclidean sums squares and takes the square root, squaredEuclidean keeps the sum", () => {
    expect(distance(lowerComparison(cm({ kind: "euclidean" }), [field("x")]))).toMatchObject({ inner: 2, outer: 2, maximum: false });
    expect(distance(lowerComparison(cm({ kind: "squaredEuclidean" }), [field("x")]))).toMatchObject({ inner: 2, outer: 1 });
  });

  it("§Distance measures: cityBlock sums |x−y|, chebychev takes their maximum, minkowski uses p for both powers", () => {
    expect(distance(lowerComparison(cm({ kind: "cityBlock" }), [field("x")]))).toMatchObject({ inner: 1, outer: 1, maximum: false });
    expect(distance(lowerComparison(cm({ kind: "chebychev" }), [field("x")]))).toMatchObject({ inner: 1, outer: 1, maximum: true });
    expect(distance(lowerComparison(cm({ kind: "minkowski", p: 3 }), [field("x")]))).toMatchObject({ inner: 3, outer: 3 });
  });

  it("minkowski's p-parameter must not be negative (a SchemaError at the measure)", () => {
    const e = (() => {
      try {
        lowerComparison(cm({ kind: "minkowski", p: -1 }), [field("x")]);
      } catch (err) {
        return err;
      }
    })();
    expect(e).toBeInstanceOf(SchemaError);
    expect(e).toMatchObject({ code: "PMML_BAD_ATTRIBUTE", path: "/PMML/ClusteringModel/ComparisonMeasure", value: -1 });
  });

  it("§Comparison functions: a field's compareFunction overrides the measure's; gaussSim carries its similarityScale", () => {
    const plan = distance(lowerComparison(cm({ kind: "euclidean" }, "delta"), [field("x"), field("y", { compareFunction: "gaussSim", similarityScale: 2 })]));
    expect(plan.fields.map((f) => f.compare)).toEqual([{ fn: "delta" }, { fn: "gaussSim", similarityScale: 2 }]);
  });

  it("§Comparison functions: gaussSim without similarityScale, table without Comparisons, or either named on the measure are errors", () => {
    expect(() => lowerComparison(cm({ kind: "euclidean" }), [field("x", { compareFunction: "gaussSim" })])).toThrow(
      expect.objectContaining({ code: "PMML_MISSING_ATTRIBUTE", path: "/F[x]" }),
    );
    expect(() => lowerComparison(cm({ kind: "euclidean" }), [field("x", { compareFunction: "table" })])).toThrow(
      expect.objectContaining({ code: "PMML_MISSING_ELEMENT", path: "/F[x]" }),
    );
    expect(() => lowerComparison(cm({ kind: "euclidean" }, "gaussSim"), [field("x")])).toThrow(
      expect.objectContaining({ code: "PMML_BAD_ATTRIBUTE", value: "gaussSim" }),
    );
  });

  it("§MissingValueWeights: qᵢ per field (1 without weights) and their sum, the adjustment's numerator", () => {
    expect(distance(lowerComparison(cm({ kind: "euclidean" }), [field("x"), field("y")]))).toMatchObject({ missingValueWeights: [1, 1], totalWeight: 2 });
    expect(distance(lowerComparison(cm({ kind: "euclidean" }), [field("x"), field("y")], [0.5, 2]))).toMatchObject({
      missingValueWeights: [0.5, 2],
      totalWeight: 2.5,
    });
    // A list shorter than the fields leaves no weight for the rest: every adjustment is NaN.
    expect(distance(lowerComparison(cm({ kind: "euclidean" }), [field("x"), field("y")], [1])).totalWeight).toBeNaN();
  });

  it("§Similarity measures: simpleMatching (a11+a00)/n, jaccard a11/(a11+a10+a01), tanimoto (a11+a00)/(a11+2(a10+a01)+a00) as c/d coefficients", () => {
    expect(similarity(lowerComparison(cm({ kind: "simpleMatching" }), [field("x")])).coefficients).toEqual({
      c11: 1,
      c10: 0,
      c01: 0,
      c00: 1,
      d11: 1,
      d10: 1,
      d01: 1,
      d00: 1,
    });
    expect(similarity(lowerComparison(cm({ kind: "jaccard" }), [field("x")])).coefficients).toEqual({
      c11: 1,
      c10: 0,
      c01: 0,
      c00: 0,
      d11: 1,
      d10: 1,
      d01: 1,
      d00: 0,
    });
    expect(similarity(lowerComparison(cm({ kind: "tanimoto" }), [field("x")])).coefficients).toEqual({
      c11: 1,
      c10: 0,
      c01: 0,
      c00: 1,
      d11: 1,
      d10: 2,
      d01: 2,
      d00: 1,
    });
  });

  it("similarity measures compare 0/1 values only: a field's compare function is not consulted", () => {
    expect(() => lowerComparison(cm({ kind: "jaccard" }), [field("x", { compareFunction: "gaussSim" })])).not.toThrow();
  });
});
