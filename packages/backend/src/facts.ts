import { nestedModels, resultOutputFields, type ModelNode } from "@porta/ir/model";
import type { Pipeline } from "@porta/ir";
import type { ModelFacts } from "./backend.ts";
import type { FieldInfo } from "./rows.ts";

/** Element names of the IR's model kinds, for `modelTypes`. */
const ELEMENT_OF_KIND: Record<string, string> = {
  tree: "TreeModel",
  regression: "RegressionModel",
  mining: "MiningModel",
  generalRegression: "GeneralRegressionModel",
  neuralNetwork: "NeuralNetwork",
  svm: "SupportVectorMachineModel",
  clustering: "ClusteringModel",
  ruleSet: "RuleSetModel",
  naiveBayes: "NaiveBayesModel",
  nearestNeighbor: "NearestNeighborModel",
  scorecard: "Scorecard",
  association: "AssociationModel",
  bayesianNetwork: "BayesianNetworkModel",
  gaussianProcess: "GaussianProcessModel",
  baseline: "BaselineModel",
  timeSeries: "TimeSeriesModel",
  anomalyDetection: "AnomalyDetectionModel",
  program: "PFA program",
};

/** The PMML element of a model kind ("anomalyDetection" → "AnomalyDetectionModel"), for messages. */
export function modelElementName(kind: string): string {
  return ELEMENT_OF_KIND[kind] ?? kind;
}

/** Model families present, top-level first (e.g. ["MiningModel", "TreeModel"]). */
export function modelTypesOf(model: ModelNode): string[] {
  const out: string[] = [];
  const visit = (m: ModelNode): void => {
    const name = modelElementName(m.kind);
    if (!out.includes(name)) out.push(name);
    for (const inner of nestedModels(m)) visit(inner);
  };
  visit(model);
  return out;
}

/** A PMML pipeline's interface: inputs, the first target then final OutputFields, families. */
export function pipelineFacts(pipeline: Pipeline): ModelFacts {
  const model = pipeline.model;
  const byName = new Map(pipeline.dataFields.map((f) => [f.name, f]));
  const info = (name: string): FieldInfo => {
    const f = byName.get(name);
    return f ? { name, dataType: f.dataType, opType: f.opType, values: f.validValues.length ? f.validValues : undefined } : { name, dataType: "string" };
  };
  const inputFields = model.miningSchema.filter((f) => f.usageType !== "predicted" && f.usageType !== "target").map((f) => info(f.name));
  const targets = model.miningSchema.filter((f) => f.usageType === "predicted" || f.usageType === "target").map((f) => info(f.name));
  const outputs = resultOutputFields(model)
    .filter((o) => o.isFinalResult)
    .map((o): FieldInfo => ({ name: o.name, dataType: o.dataType ?? "string", opType: o.opType }));
  return {
    modelTypes: modelTypesOf(model),
    inputFields,
    outputFields: [...targets.slice(0, 1), ...outputs],
    notices: [...(pipeline.notices ?? [])],
    groupField: model.miningSchema.find((f) => f.usageType === "group")?.name,
  };
}
