import { UnsupportedFeatureError, type ModelBase, type ModelNode } from "@porta/ir";
import type { XmlElement } from "../xml.ts";
import { parseModelBase } from "../model-common.ts";
import { parseTreeModel } from "./tree.ts";
import { parseRegressionModel } from "./regression.ts";
import { parseMiningModel } from "./mining.ts";
import { parseScorecard } from "./scorecard.ts";
import { parseAssociationModel } from "./association.ts";
import { parseGeneralRegressionModel } from "./general-regression.ts";
import { parseNeuralNetwork } from "./neural-network.ts";
import { parseSupportVectorMachineModel } from "./support-vector-machine.ts";
import { parseClusteringModel } from "./clustering.ts";
import { parseRuleSetModel } from "./rule-set.ts";
import { parseNaiveBayesModel } from "./naive-bayes.ts";
import { parseNearestNeighborModel } from "./nearest-neighbor.ts";
import { parseBayesianNetworkModel } from "./bayesian-network.ts";
import { parseGaussianProcessModel } from "./gaussian-process.ts";
import { parseBaselineModel } from "./baseline.ts";
import { parseTimeSeriesModel } from "./time-series.ts";
import { parseAnomalyDetectionModel } from "./anomaly-detection.ts";

/** Every PMML 4.4 model element; those without a parser here are reported as unsupported. */
export const MODEL_ELEMENTS = [
  "AnomalyDetectionModel",
  "AssociationModel",
  "BayesianNetworkModel",
  "BaselineModel",
  "ClusteringModel",
  "GaussianProcessModel",
  "GeneralRegressionModel",
  "MiningModel",
  "NaiveBayesModel",
  "NearestNeighborModel",
  "NeuralNetwork",
  "RegressionModel",
  "RuleSetModel",
  "SequenceModel",
  "Scorecard",
  "SupportVectorMachineModel",
  "TextModel",
  "TimeSeriesModel",
  "TreeModel",
] as const;

export type ModelParser = (el: XmlElement, base: ModelBase) => ModelNode;

/** One parser per family, registered by element name (one module per family). */
const PARSERS: Record<string, ModelParser> = {
  TreeModel: parseTreeModel,
  RegressionModel: parseRegressionModel,
  MiningModel: parseMiningModel,
  Scorecard: parseScorecard,
  AssociationModel: parseAssociationModel,
  GeneralRegressionModel: parseGeneralRegressionModel,
  NeuralNetwork: parseNeuralNetwork,
  SupportVectorMachineModel: parseSupportVectorMachineModel,
  ClusteringModel: parseClusteringModel,
  RuleSetModel: parseRuleSetModel,
  NaiveBayesModel: parseNaiveBayesModel,
  NearestNeighborModel: parseNearestNeighborModel,
  BayesianNetworkModel: parseBayesianNetworkModel,
  GaussianProcessModel: parseGaussianProcessModel,
  BaselineModel: parseBaselineModel,
  TimeSeriesModel: parseTimeSeriesModel,
  AnomalyDetectionModel: parseAnomalyDetectionModel,
};

/** Model elements this build can parse. */
export function supportedModelElements(): string[] {
  return Object.keys(PARSERS);
}

export function isModelElement(el: XmlElement): boolean {
  return (MODEL_ELEMENTS as readonly string[]).includes(el.name);
}

/** Parses any model element (top-level or nested in a Segment). */
export function parseModel(el: XmlElement): ModelNode {
  const parser = PARSERS[el.name];
  if (!parser) throw new UnsupportedFeatureError(el.name, `${el.name} is not supported yet`, { path: el.path });
  return parser(el, parseModelBase(el));
}
