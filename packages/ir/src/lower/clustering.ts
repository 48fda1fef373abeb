import { SchemaError } from "../errors.ts";
import type { ClusteringModel } from "../models/clustering.ts";
import { parseNumber } from "../values.ts";
import { lowerComparison, type ComparisonPlan } from "./comparison-measure.ts";
import { memoizedPlan } from "./plan-cache.ts";

export interface ClusterPlan {
  readonly id: string;
  /** JPMML's display value of the winner: the cluster name, null for an unnamed cluster. */
  readonly name: string | null;
  /** The center as written, one entry per center field. */
  readonly center: readonly string[];
  /** The center read as doubles (as JPMML reads center arrays, even for float or integer fields); undefined where not a number. */
  readonly centerNumbers: readonly (number | undefined)[];
  readonly path: string;
}

/**
 * ClusteringModel, center-based (PMML 4.4 §ClusteringModel "Scoring"): the comparison over the
 * center fields (isCenterField only) with MissingValueWeights, and the clusters in document
 * order, which is the tie order (the first nearest cluster wins).
 */
export interface ClusteringPlan {
  readonly comparison: ComparisonPlan;
  readonly clusters: readonly ClusterPlan[];
  readonly path: string;
}

export const lowerClustering: (model: ClusteringModel) => ClusteringPlan = memoizedPlan((model: ClusteringModel): ClusteringPlan => {
  const fields = model.fields.filter((f) => f.isCenterField);
  const comparison = lowerComparison(model.measure, fields, model.missingValueWeights);
  const clusters = model.clusters.map((cluster): ClusterPlan => {
    // §Cluster: "the number of values in the array must match the number of center fields".
    if (cluster.center.length !== fields.length) {
      throw new SchemaError("PMML_CLUSTER_CENTER", `Cluster has ${cluster.center.length} center values for ${fields.length} center fields`, {
        path: cluster.path,
        value: cluster.center.length,
      });
    }
    return {
      id: cluster.id,
      name: cluster.name ?? null,
      center: cluster.center,
      centerNumbers: cluster.center.map((text) => parseNumber(text)),
      path: cluster.path,
    };
  });
  return { comparison, clusters, path: model.path };
});
