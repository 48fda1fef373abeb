import type { ModelBase } from "../model.ts";
import type { DataType } from "../values.ts";
import type { Expr } from "../expr.ts";

export type ActivationFunction =
  | "threshold"
  | "logistic"
  | "tanh"
  | "identity"
  | "exponential"
  | "reciprocal"
  | "square"
  | "Gauss"
  | "sine"
  | "cosine"
  | "Elliott"
  | "arctan"
  | "rectifier"
  | "radialBasis";

export type NeuralNormalization = "none" | "simplemax" | "softmax";

export interface NeuralConnection {
  from: string;
  weight: number;
}

export interface Neuron {
  id: string;
  bias?: number;
  /** radialBasis only: overrides the layer's / network's width. */
  width?: number;
  altitude?: number;
  connections: NeuralConnection[];
}

/** One NeuralLayer; unset attributes fall back to the NeuralNetwork's. */
export interface NeuralLayer {
  activationFunction?: ActivationFunction;
  normalizationMethod?: NeuralNormalization;
  threshold?: number;
  leakage?: number;
  width?: number;
  altitude?: number;
  neurons: Neuron[];
  path: string;
}

/** NeuralInput: an input neuron whose value is a (nameless) DerivedField expression. */
export interface NeuralInput {
  id: string;
  dataType: DataType;
  expr: Expr;
}

/** NeuralOutput: maps an output neuron back to a target through a DerivedField expression. */
export interface NeuralOutput {
  outputNeuron: string;
  expr: Expr;
  path: string;
}

/** NeuralNetwork (PMML 4.4 §NeuralNetwork): feed-forward layers of neurons. */
export interface NeuralNetwork extends ModelBase {
  kind: "neuralNetwork";
  activationFunction: ActivationFunction;
  normalizationMethod: NeuralNormalization;
  threshold: number;
  leakage?: number;
  width?: number;
  altitude: number;
  inputs: NeuralInput[];
  layers: NeuralLayer[];
  outputs: NeuralOutput[];
}
