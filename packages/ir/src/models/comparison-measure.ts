/**
 * ComparisonMeasure (PMML 4.4 §ClusteringModel "Comparison measures"), shared by ClusteringModel
 * and NearestNeighborModel: how one record is compared with a cluster center or a training instance.
 */

export type DistanceMeasure =
  | { kind: "euclidean" }
  | { kind: "squaredEuclidean" }
  | { kind: "chebychev" }
  | { kind: "cityBlock" }
  | { kind: "minkowski"; p: number };

/** The c/d parameters of binarySimilarity: (c11·a11 + c10·a10 + c01·a01 + c00·a00) / (d11·a11 + …). */
export interface BinarySimilarityParameters {
  c00: number;
  c01: number;
  c10: number;
  c11: number;
  d00: number;
  d01: number;
  d10: number;
  d11: number;
}

export type SimilarityMeasure =
  | { kind: "simpleMatching" }
  | { kind: "jaccard" }
  | { kind: "tanimoto" }
  | ({ kind: "binarySimilarity" } & BinarySimilarityParameters);

export type Measure = DistanceMeasure | SimilarityMeasure;

export type CompareFunction = "absDiff" | "gaussSim" | "delta" | "equal" | "table";

export interface ComparisonMeasure {
  /** distance: the smallest value wins; similarity: the largest. */
  kind: "distance" | "similarity";
  measure: Measure;
  /** Default for fields without their own compareFunction (absDiff unless the document says). */
  compareFunction: CompareFunction;
  path: string;
}

/** One field taking part in the comparison (ClusteringField, KNNInput). */
export interface ComparisonField {
  kind: "comparisonField";
  field: string;
  /** 1 unless given. */
  fieldWeight: number;
  /** Overrides ComparisonMeasure/@compareFunction for this field. */
  compareFunction?: CompareFunction;
  /** gaussSim's s. */
  similarityScale?: number;
  /**
   * compareFunction="table": Comparisons/Matrix, rows and columns in the order of the field's
   * declared category values.
   */
  comparisonTable?: number[][];
  path: string;
}

export function isSimilarityMeasure(m: Measure): m is SimilarityMeasure {
  return m.kind === "simpleMatching" || m.kind === "jaccard" || m.kind === "tanimoto" || m.kind === "binarySimilarity";
}
