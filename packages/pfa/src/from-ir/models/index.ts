import { modelElementName } from "@porta/backend";
import type { DataField, ModelNode, Pipeline, TargetInfo } from "@porta/ir";
import type { Block } from "../code.ts";
import { cannotConvert } from "../code.ts";
import { type Env, ModelEnv } from "../fields.ts";
import { applyTargets, computeOutputs, type ModelRunCode } from "../outputs.ts";
import { convertAnomalyDetection } from "./anomaly-detection.ts";
import { convertClustering } from "./clustering.ts";
import { convertGeneralRegression } from "./general-regression.ts";
import { convertMining } from "./mining.ts";
import { convertNaiveBayes } from "./naive-bayes.ts";
import { convertNearestNeighbor } from "./nearest-neighbor.ts";
import { convertNeuralNetwork } from "./neural-network.ts";
import { convertRuleSet } from "./rule-set.ts";
import { convertSvm } from "./support-vector-machine.ts";
import { convertRegression } from "./regression.ts";
import { type ModelCode, targetOf } from "./result.ts";
import { convertTree } from "./tree.ts";

/** What converting one model element needs: the document, the action's block. */
export interface Conversion {
  pipeline: Pipeline;
  block: Block;
  dataFields: ReadonlyMap<string, DataField>;
}

/**
 * One model element as generated code, as the interpreter's runModel: the family's result in
 * the model's scope, its Targets, then its OutputFields.
 */
export function convertModel(model: ModelNode, parent: Env, nested: boolean, cx: Conversion): ModelRunCode {
  const env = new ModelEnv(cx.block, parent, model, nested, cx.dataFields);
  const explicit = model.kind === "regression" ? model.targetFieldName : model.kind === "generalRegression" ? model.targetVariableName : undefined;
  const target = targetOf(model, cx.pipeline, explicit);
  const family = convertFamily(model, target, env, cx);
  const passThrough = family.passThrough === true;
  const code = passThrough ? family.code : applyTargets(model, family.code, target, cx.block);
  const outputs = computeOutputs(model, code, target, env, cx.block, family.segmentOutputs, family.segmentRuns);
  return { model, target, code, outputs, env };
}

/** A family's result; a MiningModel that passes a segment's result on also passes its outputs. */
export interface FamilyCode {
  code: ModelCode;
  passThrough?: boolean;
  segmentOutputs?: Map<string, import("../code.ts").Code>;
  /** A MiningModel's segments that run, by Segment/@id (else their 1-based position), for OutputField/@segmentId. */
  segmentRuns?: Map<string, ModelRunCode>;
}

function convertFamily(model: ModelNode, target: TargetInfo, env: ModelEnv, cx: Conversion): FamilyCode {
  switch (model.kind) {
    case "regression":
      return { code: convertRegression(model, target, env, cx.block) };
    case "tree":
      return { code: convertTree(model, target, env, cx.block) };
    case "mining":
      return convertMining(model, target, env, cx);
    case "clustering":
      return { code: convertClustering(model, env, cx.block) };
    case "generalRegression":
      return { code: convertGeneralRegression(model, target, env, cx.block) };
    case "naiveBayes":
      return { code: convertNaiveBayes(model, target, env, cx.block) };
    case "ruleSet":
      return { code: convertRuleSet(model, target, env, cx.block) };
    case "svm":
      return { code: convertSvm(model, target, env, cx.block) };
    case "neuralNetwork":
      return { code: convertNeuralNetwork(model, target, env, cx.block, cx.pipeline) };
    case "anomalyDetection":
      return { code: convertAnomalyDetection(model, env, cx) };
    case "nearestNeighbor":
      return { code: convertNearestNeighbor(model, target, env, cx.block, cx.pipeline) };
    default:
      return cannotConvert(modelElementName(model.kind), "this model family is not converted to PFA yet", model.path);
  }
}
