import type { ModelNode, ModelResult } from "../model.ts";
import type { Value } from "../values.ts";
import { UnsupportedFeatureError } from "../errors.ts";
import { PROGRAM_REFUSAL } from "../models/program.ts";
import { ModelScope, type PipelineScope, type Scope } from "./scope.ts";
import { applyTargets, targetInfo, type TargetInfo } from "./target.ts";
import { computeOutputs } from "./output.ts";
import { evaluateTree } from "./tree.ts";
import { evaluateRegression } from "./regression.ts";
import { evaluateMining } from "./mining.ts";
import { evaluateScorecard } from "./scorecard.ts";
import { evaluateAssociation } from "./association.ts";
import { evaluateGeneralRegression } from "./general-regression.ts";
import { evaluateNeuralNetwork } from "./neural-network.ts";
import { evaluateSvm } from "./support-vector-machine.ts";
import { evaluateClustering } from "./clustering.ts";
import { evaluateRuleSet } from "./rule-set.ts";
import { evaluateNaiveBayes } from "./naive-bayes.ts";
import { evaluateNearestNeighbor } from "./nearest-neighbor.ts";
import { evaluateBayesianNetwork } from "./bayesian-network.ts";
import { evaluateGaussianProcess } from "./gaussian-process.ts";
import { evaluateBaseline } from "./baseline.ts";
import { evaluateTimeSeries } from "./time-series.ts";
import { evaluateAnomalyDetection } from "./anomaly-detection.ts";

/** Everything one model element produced: its result after Targets, and its OutputFields. */
export interface ModelRun {
  model: ModelNode;
  scope: ModelScope;
  target: TargetInfo;
  result: ModelResult;
  outputs: Map<string, Value>;
}

/** The family's own evaluation, before Targets and Output. */
export function evaluateFamily(model: ModelNode, scope: ModelScope, target: TargetInfo): ModelResult {
  switch (model.kind) {
    case "tree":
      return evaluateTree(model, scope, target);
    case "regression":
      return evaluateRegression(model, scope, target);
    case "mining":
      return evaluateMining(model, scope, target);
    case "scorecard":
      return evaluateScorecard(model, scope, target);
    case "association":
      return evaluateAssociation(model, scope, target);
    case "generalRegression":
      return evaluateGeneralRegression(model, scope, target);
    case "neuralNetwork":
      return evaluateNeuralNetwork(model, scope, target);
    case "svm":
      return evaluateSvm(model, scope, target);
    case "clustering":
      return evaluateClustering(model, scope, target);
    case "ruleSet":
      return evaluateRuleSet(model, scope, target);
    case "naiveBayes":
      return evaluateNaiveBayes(model, scope, target);
    case "nearestNeighbor":
      return evaluateNearestNeighbor(model, scope, target);
    case "bayesianNetwork":
      return evaluateBayesianNetwork(model, scope, target);
    case "gaussianProcess":
      return evaluateGaussianProcess(model, scope, target);
    case "baseline":
      return evaluateBaseline(model, scope, target);
    case "timeSeries":
      return evaluateTimeSeries(model, scope, target);
    case "anomalyDetection":
      return evaluateAnomalyDetection(model, scope, target);
    case "program":
      throw new UnsupportedFeatureError("PFA program", `the IR interpreter does not score programs: ${PROGRAM_REFUSAL}`, { path: model.path });
    default: {
      const never: never = model;
      return never;
    }
  }
}

/** Evaluates a model element in a new scope under `parent`: family, Targets, then Output. */
export function runModel(model: ModelNode, parent: Scope, root: PipelineScope): ModelRun {
  const scope = new ModelScope(model, parent, root);
  const explicitTarget = model.kind === "regression" ? model.targetFieldName : model.kind === "generalRegression" ? model.targetVariableName : undefined;
  const target = targetInfo(model, scope, explicitTarget);
  const raw = root.familyResult?.(model, scope, target) ?? evaluateFamily(model, scope, target);
  // A MiningModel passing a segment's result through (selectFirst, modelChain) skips its own Targets, as JPMML.
  const result = raw.extras?.passThrough === true ? raw : applyTargets(model, raw, target);
  const outputs = computeOutputs(model, result, target, scope);
  return { model, scope, target, result, outputs };
}
