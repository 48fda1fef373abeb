import type { AnomalyDetectionModel } from "../models/anomaly-detection.ts";
import type { ModelResult } from "../model.ts";
import { SchemaError, UnsupportedFeatureError } from "../errors.ts";
import { formatValue, toNumber } from "../values.ts";
import type { ModelScope } from "./scope.ts";
import { runModel } from "./model.ts";
import type { TargetInfo } from "./target.ts";

/** Euler–Mascheroni constant, for the harmonic-number estimate H(i) ≈ ln(i) + γ. */
const EULER_GAMMA = 0.5772156649015329;

/**
 * Average path length of an unsuccessful search in a binary search tree of n points (PMML 4.4
 * §AnomalyDetectionModel, Liu et al. 2008): c(n) = 2·H(n−1) − 2(n−1)/n, with c(2) = 1 and c(n) = 0
 * below that.
 */
export function averagePathLength(n: number): number {
  if (n > 2) return 2 * (Math.log(n - 1) + EULER_GAMMA) - (2 * (n - 1)) / n;
  return n === 2 ? 1 : 0;
}

/**
 * AnomalyDetectionModel (PMML 4.4): evaluates the embedded model in a scope of its own and maps
 * its prediction to the anomaly score, which is this model's predicted value. A missing
 * prediction (missing inputs the embedded model cannot score) gives a missing score.
 */
export function evaluateAnomalyDetection(model: AnomalyDetectionModel, scope: ModelScope, _target: TargetInfo): ModelResult {
  const run = runModel(model.model, scope, scope.root);
  const inner = run.result;
  switch (model.algorithmType) {
    case "iforest": {
      // The forest predicts E(h(x)), the mean path length; score s = 2^(−E(h(x)) / c(n)).
      if (inner.value === null) return { value: null };
      const depth = toNumber(inner.value);
      const cn = averagePathLength(model.sampleDataSize!);
      return { value: Math.pow(2, -depth / cn) };
    }
    case "ocsvm":
    case "other": {
      return { value: inner.value === null ? null : toNumber(inner.value) };
    }
    case "clusterMeanDist":
      return clusterMeanDistance(model, inner);
    default: {
      const never: never = model.algorithmType;
      throw new UnsupportedFeatureError(`AnomalyDetectionModel@algorithmType=${String(never)}`, undefined, { path: model.path });
    }
  }
}

/** clusterMeanDist: the winning cluster's distance divided by that cluster's mean distance. */
function clusterMeanDistance(model: AnomalyDetectionModel, inner: ModelResult): ModelResult {
  const clustering = model.model;
  if (clustering.kind !== "clustering") {
    throw new SchemaError("PMML_ANOMALY_MODEL", "algorithmType clusterMeanDist needs a ClusteringModel", { path: clustering.path, value: clustering.kind });
  }
  const id = inner.entityId ?? (inner.value === null ? null : formatValue(inner.value));
  if (id === null || id === undefined) return { value: null };
  const index = clustering.clusters.findIndex((c) => c.id === id);
  const distance = inner.affinities?.get(id);
  if (index < 0 || distance === undefined) return { value: null };
  const mean = model.meanClusterDistances![index];
  return { value: distance / mean, entityId: id };
}
