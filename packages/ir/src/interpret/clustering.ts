import type { ClusteringModel } from "../models/clustering.ts";
import type { ModelResult } from "../model.ts";
import { SchemaError } from "../errors.ts";
import { isSimilarityMeasure } from "../models/comparison-measure.ts";
import type { Value } from "../values.ts";
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
  const fields = model.fields.filter((f) => f.isCenterField);
  const inputs = comparisonInputs(fields, scope);
  const cm = model.measure;
  const similar = isSimilarityMeasure(cm.measure);
  const adjustment = similar ? 1 : missingValueAdjustment(inputs, model.missingValueWeights, model.path);
  const affinities = new Map<Value, number>();
  const ranking: { id: string; affinity: number }[] = [];
  let best = -1;
  let bestValue = NaN;
  model.clusters.forEach((cluster, i) => {
    if (cluster.center.length !== fields.length) {
      throw new SchemaError("PMML_CLUSTER_CENTER", `Cluster has ${cluster.center.length} center values for ${fields.length} center fields`, { path: cluster.path, value: cluster.center.length });
    }
    const reference = referenceValues(fields, cluster.center, inputs, scope);
    const m = cm.measure;
    const value = isSimilarityMeasure(m)
      ? similarity(cm, m, fields, inputs, reference)
      : distance(cm, m, fields, inputs, reference, adjustment, scope);
    affinities.set(cluster.id, value);
    ranking.push({ id: cluster.id, affinity: value });
    if (best < 0 || (similar ? value > bestValue : value < bestValue)) {
      best = i;
      bestValue = value;
    }
  });
  if (best < 0) return { value: null };
  const winner = model.clusters[best];
  // Best first; Array.prototype.sort is stable, so ties keep document order.
  ranking.sort((a, b) => (similar ? b.affinity - a.affinity : a.affinity - b.affinity));
  return {
    value: winner.id,
    entityId: winner.id,
    // JPMML's display value is the cluster name, missing for an unnamed cluster.
    displayValue: winner.name ?? null,
    affinities,
    affinityType: similar ? "similarity" : "distance",
    entityRanking: ranking,
  };
}
