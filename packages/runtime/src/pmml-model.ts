import {
  nestedModels, interpret, isPortaError, preparePipeline, resolveLimits, resultOutputFields, type Limits,
  type ModelNode, type Pipeline, type PreparedPipeline,
} from "@porta/ir";
import { checkRowDepth, scoreEachRow, type BatchOptions, type BatchResult, type FieldInfo, type Model, type ScoreResult } from "./model.ts";

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
};

export function modelTypesOf(model: ModelNode): string[] {
  const out: string[] = [];
  const visit = (m: ModelNode): void => {
    const name = ELEMENT_OF_KIND[m.kind] ?? m.kind;
    if (!out.includes(name)) out.push(name);
    for (const inner of nestedModels(m)) visit(inner);
  };
  visit(model);
  return out;
}

/** A PMML model scored by the reference interpreter. */
export class PmmlModel implements Model {
  readonly format = "pmml" as const;
  readonly backend = "interp" as const;
  readonly notices: string[] = [];
  readonly modelTypes: string[];
  readonly inputFields: FieldInfo[];
  readonly outputFields: FieldInfo[];
  readonly groupField?: string;
  private readonly prepared: PreparedPipeline;
  private readonly limits: Limits;
  private readonly finalNames: string[];

  constructor(readonly pipeline: Pipeline, limits: Partial<Limits> = {}) {
    this.notices.push(...(pipeline.notices ?? []));
    this.limits = resolveLimits(limits);
    this.prepared = preparePipeline(pipeline, this.limits);
    const model = pipeline.model;
    this.modelTypes = modelTypesOf(model);
    const byName = new Map(pipeline.dataFields.map((f) => [f.name, f]));
    const info = (name: string): FieldInfo => {
      const f = byName.get(name);
      return f ? { name, dataType: f.dataType, opType: f.opType, values: f.validValues.length ? f.validValues : undefined } : { name, dataType: "string" };
    };
    this.inputFields = model.miningSchema.filter((f) => f.usageType !== "predicted" && f.usageType !== "target").map((f) => info(f.name));
    const targets = model.miningSchema.filter((f) => f.usageType === "predicted" || f.usageType === "target").map((f) => info(f.name));
    const outputs = resultOutputFields(model).filter((o) => o.isFinalResult).map((o): FieldInfo => ({ name: o.name, dataType: o.dataType ?? "string", opType: o.opType }));
    this.outputFields = [...targets.slice(0, 1), ...outputs];
    this.finalNames = this.outputFields.map((f) => f.name);
    this.groupField = model.miningSchema.find((f) => f.usageType === "group")?.name;
  }

  score(row: Readonly<Record<string, unknown>>): ScoreResult {
    checkRowDepth(row);
    return this.scoreChecked(row);
  }

  /** score() for a row whose depth was checked already (scoreBatch checks with its own limit). */
  private scoreChecked(row: Readonly<Record<string, unknown>>): ScoreResult {
    const all = interpret(this.prepared, row);
    const result: ScoreResult = {};
    for (const name of this.finalNames) if (name in all) result[name] = all[name];
    return result;
  }

  scoreBatch(rows: readonly Readonly<Record<string, unknown>>[], options: BatchOptions = {}): BatchResult {
    return scoreEachRow(rows, (row) => this.scoreChecked(row), { rowDepth: this.limits.rowDepth, ...options });
  }
}
