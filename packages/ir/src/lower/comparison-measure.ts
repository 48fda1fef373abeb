import { SchemaError } from "../errors.ts";
import type { BinarySimilarityParameters, ComparisonField, ComparisonMeasure, DistanceMeasure, SimilarityMeasure } from "../models/comparison-measure.ts";
import { isSimilarityMeasure } from "../models/comparison-measure.ts";

/**
 * The row-independent half of a ComparisonMeasure (PMML 4.4 §ClusteringModel "Comparison
 * measures"), shared by ClusteringModel and NearestNeighborModel: which kernel, its powers, and
 * each field's resolved compare function and weight. Backends hold only the per-row sums.
 */

/** c(x, y) for one field (§Comparison functions), with the parameters it needs resolved. */
export type ComparePlan =
  | { readonly fn: "absDiff" }
  | { readonly fn: "gaussSim"; readonly similarityScale: number }
  | { readonly fn: "delta" }
  | { readonly fn: "equal" }
  /** Comparisons/Matrix, rows and columns in the order of the field's declared categories. */
  | { readonly fn: "table"; readonly table: readonly (readonly number[])[] };

export interface DistanceFieldPlan {
  readonly field: string;
  readonly fieldWeight: number;
  readonly compare: ComparePlan;
  readonly path: string;
}

/**
 * A distance kernel: Σ fieldWeight·c(x, y)^inner over the present fields, times the
 * missing-value adjustment, then ^(1/outer) (e^x for outer 0, as JPMML's inversePower);
 * chebychev takes the maximum term instead of the sum.
 */
export interface DistancePlan {
  readonly kind: "distance";
  readonly measure: DistanceMeasure["kind"];
  readonly inner: number;
  readonly outer: number;
  /** chebychev: the largest term (NaN wins), not the sum. */
  readonly maximum: boolean;
  readonly fields: readonly DistanceFieldPlan[];
  /**
   * §MissingValueWeights qᵢ per field (1 without weights); the adjustment is Σqᵢ / Σqᵢ·[xᵢ present].
   * NaN where the document's list is shorter than the fields, which makes every distance NaN
   * (the first reference point wins), as reading past the list did.
   */
  readonly missingValueWeights: readonly number[];
  /** Σqᵢ, the adjustment's numerator. */
  readonly totalWeight: number;
  readonly path: string;
}

/** A binary similarity kernel (§Similarity measures): the largest value wins. */
export interface SimilarityPlan {
  readonly kind: "similarity";
  readonly measure: SimilarityMeasure["kind"];
  /** numerator = c11·a11 + c10·a10 + c01·a01 + c00·a00, denominator likewise with d. */
  readonly coefficients: BinarySimilarityParameters;
  readonly fields: readonly { readonly field: string; readonly path: string }[];
  readonly path: string;
}

export type ComparisonPlan = DistancePlan | SimilarityPlan;

/** Lowers a ComparisonMeasure over its fields; `weights` are MissingValueWeights if any. */
export function lowerComparison(cm: ComparisonMeasure, fields: readonly ComparisonField[], weights?: readonly number[]): ComparisonPlan {
  const m = cm.measure;
  if (isSimilarityMeasure(m)) {
    // Similarity measures compare 0/1 values only: compare functions and weights take no part.
    return {
      kind: "similarity",
      measure: m.kind,
      coefficients: similarityCoefficients(m),
      fields: fields.map((f) => ({ field: f.field, path: f.path })),
      path: cm.path,
    };
  }
  const { inner, outer } = distancePowers(cm, m);
  const q = fields.map((_f, i) => (weights ? (weights[i] ?? NaN) : 1));
  let total = 0;
  for (const w of q) total += w;
  return {
    kind: "distance",
    measure: m.kind,
    inner,
    outer,
    maximum: m.kind === "chebychev",
    fields: fields.map((f) => ({ field: f.field, fieldWeight: f.fieldWeight, compare: comparePlan(cm, f), path: f.path })),
    missingValueWeights: q,
    totalWeight: total,
    path: cm.path,
  };
}

/** §Distance measures: euclidean (2, 2), squaredEuclidean (2, 1), cityBlock/chebychev (1, 1), minkowski (p, p). */
export function distancePowers(cm: ComparisonMeasure, m: DistanceMeasure): { inner: number; outer: number } {
  switch (m.kind) {
    case "euclidean":
      return { inner: 2, outer: 2 };
    case "squaredEuclidean":
      return { inner: 2, outer: 1 };
    case "chebychev":
    case "cityBlock":
      return { inner: 1, outer: 1 };
    case "minkowski":
      if (!(m.p >= 0)) throw new SchemaError("PMML_BAD_ATTRIBUTE", "minkowski/@p-parameter must not be negative", { path: cm.path, value: m.p });
      return { inner: m.p, outer: m.p };
  }
}

/** simpleMatching, jaccard and tanimoto are binarySimilarity with fixed c/d (§Similarity measures). */
function similarityCoefficients(m: SimilarityMeasure): BinarySimilarityParameters {
  switch (m.kind) {
    case "simpleMatching":
      return { c11: 1, c10: 0, c01: 0, c00: 1, d11: 1, d10: 1, d01: 1, d00: 1 };
    case "jaccard":
      return { c11: 1, c10: 0, c01: 0, c00: 0, d11: 1, d10: 1, d01: 1, d00: 0 };
    case "tanimoto":
      return { c11: 1, c10: 0, c01: 0, c00: 1, d11: 1, d10: 2, d01: 2, d00: 1 };
    case "binarySimilarity": {
      const { c00, c01, c10, c11, d00, d01, d10, d11 } = m;
      return { c00, c01, c10, c11, d00, d01, d10, d11 };
    }
  }
}

/** The field's compareFunction, else the measure's; gaussSim and table need per-field data. */
function comparePlan(cm: ComparisonMeasure, field: ComparisonField): ComparePlan {
  let fn = field.compareFunction;
  if (fn === undefined) {
    // ComparisonMeasure/@compareFunction can only name the functions that need no per-field data.
    if (cm.compareFunction === "gaussSim" || cm.compareFunction === "table") {
      throw new SchemaError(
        "PMML_BAD_ATTRIBUTE",
        `ComparisonMeasure/@compareFunction="${cm.compareFunction}" needs per-field parameters; put it on the field`,
        { path: cm.path, value: cm.compareFunction },
      );
    }
    fn = cm.compareFunction;
  }
  switch (fn) {
    case "absDiff":
    case "delta":
    case "equal":
      return { fn };
    case "gaussSim":
      if (field.similarityScale === undefined) {
        throw new SchemaError("PMML_MISSING_ATTRIBUTE", "compareFunction gaussSim needs similarityScale", { path: field.path, value: "similarityScale" });
      }
      return { fn, similarityScale: field.similarityScale };
    case "table":
      if (!field.comparisonTable)
        throw new SchemaError("PMML_MISSING_ELEMENT", "compareFunction table needs Comparisons/Matrix", { path: field.path, value: "Comparisons" });
      return { fn, table: field.comparisonTable };
  }
}
