import type { ModelBase, ModelNode } from "../model.ts";

/** AnomalyDetectionModel/@algorithmType (PMML 4.4 §AnomalyDetectionModel). */
export type AnomalyAlgorithmType = "iforest" | "ocsvm" | "clusterMeanDist" | "other";

/**
 * AnomalyDetectionModel: wraps one model element whose prediction is turned into an anomaly
 * score: an isolation forest's mean path length (normalised by c(sampleDataSize)), a one-class
 * SVM's decision value, or a clustering model's distance relative to its cluster's mean distance.
 */
export interface AnomalyDetectionModel extends ModelBase {
  kind: "anomalyDetection";
  algorithmType: AnomalyAlgorithmType;
  /** Size of the sample each isolation tree was grown on (required for iforest). */
  sampleDataSize?: number;
  /** clusterMeanDist: mean distance (or similarity) to the center, one per Cluster in document order. */
  meanClusterDistances?: number[];
  model: ModelNode;
}
