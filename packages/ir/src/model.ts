import type { DerivedField, MiningField } from "./fields.ts";
import type { Expr } from "./expr.ts";
import type { Value } from "./values.ts";
import type { TreeModel } from "./models/tree.ts";
import type { RegressionModel } from "./models/regression.ts";
import type { MiningModel, Segment } from "./models/mining.ts";
import type { Scorecard } from "./models/scorecard.ts";
import type { AssociationModel } from "./models/association.ts";
import type { GeneralRegressionModel } from "./models/general-regression.ts";
import type { NeuralNetwork } from "./models/neural-network.ts";
import type { SupportVectorMachineModel } from "./models/support-vector-machine.ts";
import type { ClusteringModel } from "./models/clustering.ts";
import type { RuleSetModel } from "./models/rule-set.ts";
import type { NaiveBayesModel } from "./models/naive-bayes.ts";
import type { NearestNeighborModel } from "./models/nearest-neighbor.ts";
import type { BayesianNetworkModel } from "./models/bayesian-network.ts";
import type { GaussianProcessModel } from "./models/gaussian-process.ts";
import type { BaselineModel } from "./models/baseline.ts";
import type { TimeSeriesModel } from "./models/time-series.ts";
import type { AnomalyDetectionModel } from "./models/anomaly-detection.ts";
import type { ProgramModel } from "./models/program.ts";

export type MiningFunction = "regression" | "classification" | "clustering" | "associationRules" | "sequences" | "timeSeries" | "mixed";

/** Target: post-processing of a model's prediction (PMML Targets/Target). */
export interface Target {
  field?: string;
  opType?: "categorical" | "ordinal" | "continuous";
  castInteger?: "round" | "ceiling" | "floor";
  min?: number;
  max?: number;
  rescaleFactor: number;
  rescaleConstant: number;
  values: TargetValue[];
}

export interface TargetValue {
  value?: string;
  displayValue?: string;
  priorProbability?: number;
  defaultValue?: number;
}

export type ResultFeature =
  | "predictedValue"
  | "predictedDisplayValue"
  | "transformedValue"
  | "decision"
  | "probability"
  | "affinity"
  | "residual"
  | "standardError"
  | "standardDeviation"
  | "clusterId"
  | "clusterAffinity"
  | "entityId"
  | "entityAffinity"
  | "warning"
  | "ruleValue"
  | "reasonCode"
  | "antecedent"
  | "consequent"
  | "rule"
  | "ruleId"
  | "confidence"
  | "support"
  | "lift"
  | "leverage"
  | "confidenceIntervalLower"
  | "confidenceIntervalUpper";

/** OutputField: one named result of a model. */
export interface OutputField {
  name: string;
  displayName?: string;
  dataType?: import("./values.ts").DataType;
  opType?: "categorical" | "ordinal" | "continuous";
  targetField?: string;
  feature: ResultFeature;
  /** Category for probability/affinity/confidence, as text. */
  value?: string;
  rank: number;
  rankOrder?: "descending" | "ascending";
  rankBasis?: string;
  segmentId?: string;
  isFinalResult: boolean;
  isMultiValued?: boolean;
  /** transformedValue / decision expression. */
  expr?: Expr;
  ruleFeature?: string;
  algorithm?: string;
  path?: string;
}

/** What every model element has. */
export interface ModelBase {
  modelName?: string;
  functionName: MiningFunction;
  algorithmName?: string;
  isScorable: boolean;
  /**
   * PMML 4.4 mathContext (JPMML's x-mathContext before it): "float" makes the model compute in
   * single precision, each operation rounded to float as JPMML's FloatValue does (XGBoost and
   * LightGBM exports). Absent means double.
   */
  mathContext?: "float" | "double";
  miningSchema: MiningField[];
  localTransformations: DerivedField[];
  targets: Target[];
  output: OutputField[];
  /** The model's own test records (ModelVerification), when the document carries them. */
  verification?: ModelVerification;
  /** Document path of the model element, e.g. /PMML/MiningModel/Segmentation/Segment[2]/TreeModel. */
  path: string;
}

/**
 * ModelVerification: records the producer scored, with the results it expects. Cells keep their
 * text (null for an empty or absent cell): a consumer parses each one per the field's data type.
 */
export interface ModelVerification {
  /** recordCount as declared (may disagree with rows.length; the report says so). */
  recordCount?: number;
  fields: VerificationField[];
  /** One object per InlineTable row: field name (not column) → cell text. */
  rows: Record<string, string | null>[];
  path: string;
}

/** A VerificationField: which table column holds a field, and how close a number must be. */
export interface VerificationField {
  field: string;
  column: string;
  /** Acceptable relative error, as a proportion of the expected value (PMML default 1E-6). */
  precision: number;
  /** Numbers within this of zero are zero (PMML default 1E-16). */
  zeroThreshold: number;
  path: string;
}

/**
 * Model nodes by family. Adding a family: add its interface in models/<family>.ts, add it here,
 * and the compiler lists every switch to extend.
 */
export type ModelNode =
  | TreeModel
  | RegressionModel
  | MiningModel
  | Scorecard
  | AssociationModel
  | GeneralRegressionModel
  | NeuralNetwork
  | SupportVectorMachineModel
  | ClusteringModel
  | RuleSetModel
  | NaiveBayesModel
  | NearestNeighborModel
  | BayesianNetworkModel
  | GaussianProcessModel
  | BaselineModel
  | TimeSeriesModel
  | AnomalyDetectionModel
  | ProgramModel;

export type ModelKind = ModelNode["kind"];

/** The value-level result every family produces, before targets and outputs. */
export interface ModelResult {
  /** Predicted value of the target (category for classification); null when missing. */
  value: Value;
  /** Classification: probability per category, in category order. */
  probabilities?: Map<Value, number>;
  /** Confidence per category (tree ScoreDistribution confidence, rule confidence). */
  confidences?: Map<Value, number>;
  /** Identifier of the winning entity: tree node, cluster, rule, segment. */
  entityId?: string | null;
  /** Affinity (distance or similarity) per entity id / category. */
  affinities?: Map<Value, number>;
  /** Display value of the prediction, when the model or Targets give one; null: the model has none (an unnamed cluster). */
  displayValue?: string | null;
  /**
   * How affinities order (ClusteringModel, NearestNeighborModel): OutputField affinity of an
   * entity the result does not hold answers the least optimal value, +Infinity for a distance and
   * 0 for a similarity (as JPMML's Classification.Type default values).
   */
  affinityType?: "distance" | "similarity";
  /** Entities best first with their affinity: OutputField entityId/affinity with rank > 1. */
  entityRanking?: { id: string; affinity: number }[];
  /** Ranked reason codes (Scorecard). */
  reasonCodes?: string[];
  /** Values that further outputs of this family need (rule tables, etc.). */
  extras?: Record<string, unknown>;
}

/** The model elements directly inside a model: segment models, an anomaly detector's model. */
export function nestedModels(model: ModelNode): ModelNode[] {
  switch (model.kind) {
    case "mining":
      return model.segments.map((s) => s.model);
    case "anomalyDetection":
      return [model.model];
    default:
      return [];
  }
}

/**
 * The OutputFields a MiningModel reports besides its own, as JPMML does: those of the segments
 * whose result it passes through (selectFirst: up to the first segment whose predicate is True;
 * modelChain: from the last such segment on), nested models included, before its own.
 */
export function resultOutputFields(model: ModelNode): OutputField[] {
  if (model.kind !== "mining") return model.output;
  const segments = model.segments;
  let nested: Segment[] = [];
  if (model.multipleModelMethod === "selectFirst") {
    const firstTrue = segments.findIndex((s) => s.predicate.kind === "true");
    nested = firstTrue < 0 ? segments : segments.slice(0, firstTrue + 1);
  } else if (model.multipleModelMethod === "modelChain") {
    let lastTrue = -1;
    for (let i = segments.length - 1; i >= 0; i--)
      if (segments[i].predicate.kind === "true") {
        lastTrue = i;
        break;
      }
    nested = lastTrue < 0 ? segments : segments.slice(lastTrue);
  }
  return [...nested.flatMap((s) => resultOutputFields(s.model)), ...model.output];
}
