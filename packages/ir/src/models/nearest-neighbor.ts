import type { ModelBase } from "../model.ts";
import type { ComparisonField, ComparisonMeasure } from "./comparison-measure.ts";

/** TrainingInstances/InstanceFields/InstanceField: which InlineTable column holds which field. */
export interface InstanceField {
  field: string;
  column: string;
}

/** NearestNeighborModel (PMML 4.4 §NearestNeighborModel, k-NN). */
export interface NearestNeighborModel extends ModelBase {
  kind: "nearestNeighbor";
  numberOfNeighbors: number;
  continuousScoringMethod: "average" | "median" | "weightedAverage";
  categoricalScoringMethod: "majorityVote" | "weightedMajorityVote";
  /** The InstanceField whose values identify training instances (entityId); row numbers otherwise. */
  instanceIdVariable?: string;
  /** Added to distances before taking reciprocals for the weighted scoring methods (default 0.001). */
  threshold: number;
  measure: ComparisonMeasure;
  /** KNNInputs: the compared fields. */
  inputs: ComparisonField[];
  instanceFields: InstanceField[];
  /** TrainingInstances InlineTable rows, column name → cell text. */
  rows: Record<string, string>[];
}
