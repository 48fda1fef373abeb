import type { ModelBase, ModelNode } from "../model.ts";
import type { Predicate } from "../predicate.ts";

/** Segmentation/@multipleModelMethod (PMML 4.4 §MiningModel). */
export type MultipleModelMethod =
  | "majorityVote"
  | "weightedMajorityVote"
  | "average"
  | "weightedAverage"
  | "median"
  | "weightedMedian"
  | "max"
  | "sum"
  | "weightedSum"
  | "selectFirst"
  | "selectAll"
  | "modelChain";

/** Segmentation/@missingPredictionTreatment (PMML 4.4), default "continue". */
export type MissingPredictionTreatment = "returnMissing" | "skipSegment" | "continue";

/** One Segment: a model that contributes when its predicate is TRUE. */
export interface Segment {
  /** Segment/@id as written; the evaluator numbers unnamed segments 1, 2, ... (as JPMML does). */
  id?: string;
  weight: number;
  predicate: Predicate;
  model: ModelNode;
  path: string;
}

/**
 * MiningModel: an ensemble or a chain of models. Segmentation-level LocalTransformations
 * (PMML 4.4) are merged into `localTransformations`: they are evaluated in the MiningModel's
 * scope, which every segment sees.
 */
export interface MiningModel extends ModelBase {
  kind: "mining";
  multipleModelMethod: MultipleModelMethod;
  missingPredictionTreatment: MissingPredictionTreatment;
  /** Largest tolerated fraction (by weight) of segments with a missing prediction; 0..1, default 1. */
  missingThreshold: number;
  segments: Segment[];
}
