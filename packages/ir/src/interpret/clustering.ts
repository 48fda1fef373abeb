import type { ClusteringModel } from "../models/clustering.ts";
import type { ModelResult } from "../model.ts";
import type { Value } from "../values.ts";
import { lowerClustering, type ClusteringPlan } from "../lower/clustering.ts";
import { comparisonInputs, distance, missingValueAdjustment, referenceValues, similarity } from "./comparison-measure.ts";
import type { ModelScope } from "./scope.ts";
import type { TargetInfo } from "./target.ts";

/**
 * ClusteringModel, center-based (PMML 4.4 §ClusteringModel "Scoring"): compare the record with
 * every cluster center; the nearest (distance) or most similar (similarity) cluster wins, the
 * first one on ties. The predicted value is the winning cluster's id (as JPMML: "the identifier
 * of the winning cluster is returned as the predictedValue"), its display value the cluster name.
 */
export function evaluateClustering(model: ClusteringModel, scope: ModelScope, _target: TargetInfo): ModelResult {
  const plan = lowerClustering(model);
  const cmp = plan.comparison;
  const inputs = comparisonInputs(cmp.fields, scope);
  const adjustment = cmp.kind === "similarity" ? 1 : missingValueAdjustment(cmp, inputs);
  const values = plan.clusters.map((cluster) => {
    const reference = referenceValues(cmp.fields, cluster.center, cluster.centerNumbers, inputs, scope);
    return cmp.kind === "similarity" ? similarity(cmp, inputs, reference) : distance(cmp, inputs, reference, adjustment, scope);
  });
  return clusteringResult(plan, values);
}

/**
 * The winner and its outputs from each cluster's distance or similarity, in document order: the
 * nearest (most similar) cluster, the first on ties (a NaN value never displaces the first). Shared
 * with backends that compute the values themselves (onnx).
 */
export function clusteringResult(plan: ClusteringPlan, values: readonly number[]): ModelResult {
  const similar = plan.comparison.kind === "similarity";
  const affinities = new Map<Value, number>();
  const ranking: { id: string; affinity: number }[] = [];
  let best = -1;
  let bestValue = NaN;
  plan.clusters.forEach((cluster, i) => {
    const value = values[i];
    affinities.set(cluster.id, value);
    ranking.push({ id: cluster.id, affinity: value });
    if (best < 0 || (similar ? value > bestValue : value < bestValue)) {
      best = i;
      bestValue = value;
    }
  });
  if (best < 0) return { value: null };
  const winner = plan.clusters[best];
  // Best first; Array.prototype.sort is stable, so ties keep document order.
  ranking.sort((a, b) => (similar ? b.affinity - a.affinity : a.affinity - b.affinity));
  return {
    value: winner.id,
    entityId: winner.id,
    // JPMML's display value is the cluster name, missing for an unnamed cluster.
    displayValue: winner.name,
    affinities,
    affinityType: similar ? "similarity" : "distance",
    entityRanking: ranking,
  };
}
