import { SchemaError, type ModelBase, type NeuralLayer, type NeuralNetwork } from "@porta/ir";
import { enumAttr, numberAttr, requiredAttr, requiredNumberAttr } from "../attributes.ts";
import { dataTypeAttr, expressionChild } from "../dictionary.ts";
import { parseExpression } from "../expressions.ts";
import type { XmlElement } from "../xml.ts";

const ACTIVATIONS = [
  "threshold",
  "logistic",
  "tanh",
  "identity",
  "exponential",
  "reciprocal",
  "square",
  "Gauss",
  "sine",
  "cosine",
  "Elliott",
  "arctan",
  "rectifier",
  "radialBasis",
] as const;
const NORMALIZATIONS = ["none", "simplemax", "softmax"] as const;

/** NeuralNetwork (PMML 4.4 §NeuralNetwork). */
export function parseNeuralNetwork(el: XmlElement, base: ModelBase): NeuralNetwork {
  const inputs = el.child("NeuralInputs");
  const outputs = el.child("NeuralOutputs");
  if (!inputs) throw missing(el, "NeuralInputs");
  if (!outputs) throw missing(el, "NeuralOutputs");
  const layers = el.children("NeuralLayer");
  if (layers.length === 0) throw missing(el, "NeuralLayer");
  return {
    ...base,
    kind: "neuralNetwork",
    activationFunction: enumAttr(el, "activationFunction", ACTIVATIONS) ?? (requiredAttr(el, "activationFunction") as never),
    normalizationMethod: enumAttr(el, "normalizationMethod", NORMALIZATIONS, "none"),
    threshold: numberAttr(el, "threshold", 0),
    leakage: numberAttr(el, "leakage"),
    width: numberAttr(el, "width"),
    altitude: numberAttr(el, "altitude", 1),
    inputs: inputs.children("NeuralInput").map((i) => {
      const df = derivedField(i);
      return { id: requiredAttr(i, "id"), dataType: dataTypeAttr(df) ?? "double", expr: parseExpression(expressionChild(df)) };
    }),
    layers: layers.map(parseLayer),
    outputs: outputs.children("NeuralOutput").map((o) => ({
      outputNeuron: requiredAttr(o, "outputNeuron"),
      expr: parseExpression(expressionChild(derivedField(o))),
      path: o.path,
    })),
  };
}

function parseLayer(el: XmlElement): NeuralLayer {
  return {
    activationFunction: enumAttr(el, "activationFunction", ACTIVATIONS),
    normalizationMethod: enumAttr(el, "normalizationMethod", NORMALIZATIONS),
    threshold: numberAttr(el, "threshold"),
    leakage: numberAttr(el, "leakage"),
    width: numberAttr(el, "width"),
    altitude: numberAttr(el, "altitude"),
    neurons: el.children("Neuron").map((n) => ({
      id: requiredAttr(n, "id"),
      bias: numberAttr(n, "bias"),
      width: numberAttr(n, "width"),
      altitude: numberAttr(n, "altitude"),
      connections: n.children("Con").map((c) => ({ from: requiredAttr(c, "from"), weight: requiredNumberAttr(c, "weight") })),
    })),
    path: el.path,
  };
}

function derivedField(el: XmlElement): XmlElement {
  const df = el.child("DerivedField");
  if (!df) throw missing(el, "DerivedField");
  return df;
}

function missing(el: XmlElement, name: string): SchemaError {
  return new SchemaError("PMML_MISSING_ELEMENT", `${el.name} needs a ${name}`, { path: el.path, value: name });
}
