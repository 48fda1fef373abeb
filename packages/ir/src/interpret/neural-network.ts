import type { ActivationFunction, NeuralNetwork, NeuralNormalization } from "../models/neural-network.ts";
import type { ModelResult } from "../model.ts";
import type { LinearNorm } from "../expr.ts";
import { lowerNeuralNetwork, type NeuralLayersPlan, type NeuralNetworkPlan } from "../lower/neural-network.ts";
import { toDataType, toNumber, type Value } from "../values.ts";
import { evaluateExpr } from "./expression.ts";
import type { ModelScope } from "./scope.ts";
import { toCategory, type TargetInfo } from "./target.ts";
import { exp } from "./exp.ts";

/**
 * NeuralNetwork (PMML 4.4 §NeuralNetwork): inputs from DerivedField expressions, then each
 * layer in order: Σ weight × input over the connections, + bias, activation, then the layer's
 * normalisation. Outputs map neurons back to the target (NormDiscrete / NormContinuous / FieldRef).
 * Slots, resolved layer attributes and the output rule come from the plan (lower/neural-network.ts).
 */
export function evaluateNeuralNetwork(model: NeuralNetwork, scope: ModelScope, target: TargetInfo): ModelResult {
  // A missing input makes the result missing before the document is judged (as before plans).
  const inputs = evaluateInputs(model, scope);
  if (inputs === null) return { value: null };
  const plan = neuralPlan(model, scope, target);
  return outputResult(plan, evaluateLayers(plan.network, inputs));
}

/**
 * The network's result from the value of every input and neuron by slot (the plan's order: the
 * NeuralOutputs mapped to the target): what a backend that computed the layers itself (onnx) reports.
 */
export function neuralNetworkResult(model: NeuralNetwork, scope: ModelScope, target: TargetInfo, values: ArrayLike<number>): ModelResult {
  return outputResult(neuralPlan(model, scope, target), values);
}

function neuralPlan(model: NeuralNetwork, scope: ModelScope, target: TargetInfo): NeuralNetworkPlan {
  return lowerNeuralNetwork(model, { name: target.name, category: (text) => toCategory(text, target), derived: (name) => scope.root.derived.get(name)?.expr });
}

function outputResult(plan: NeuralNetworkPlan, values: ArrayLike<number>): ModelResult {
  const output = plan.output;
  if (output.kind === "regression") {
    const y = values[output.slot];
    return { value: output.denormalize === undefined ? y : denormalize(output.denormalize, y) };
  }
  const probabilities = new Map<Value, number>();
  let best: Value = null,
    bestP = -Infinity,
    bestNeuron: string | null = null;
  for (const { category, slot, neuron } of output.outputs) {
    const p = values[slot];
    probabilities.set(category, p);
    if (p > bestP) {
      best = category;
      bestP = p;
      bestNeuron = neuron;
    }
  }
  return { value: best, probabilities, entityId: bestNeuron };
}

/** Inverse of NormContinuous's piecewise-linear map, picking the segment in norm space (JPMML). */
function denormalize(pts: readonly LinearNorm[], y: number): number {
  let start = pts[0],
    end = pts[pts.length - 1];
  for (let i = 1; i < pts.length - 1; i++) {
    if (y >= pts[i].norm) start = pts[i];
    else if (y <= pts[i].norm) {
      end = pts[i];
      break;
    }
  }
  return ((y - start.norm) / (end.norm - start.norm)) * (end.orig - start.orig) + start.orig;
}

/** The NeuralInputs' values; null when one is missing. */
function evaluateInputs(model: NeuralNetwork, scope: ModelScope): number[] | null {
  const values: number[] = [];
  for (const input of model.inputs) {
    const raw = evaluateExpr(input.expr, scope);
    if (raw === null) return null;
    const typed = toDataType(raw, input.dataType);
    values.push(toNumber(typed === undefined ? raw : typed));
  }
  return values;
}

/** Values of every input and neuron by slot. */
function evaluateLayers(network: NeuralLayersPlan, inputs: number[]): number[] {
  const values = inputs.slice();
  for (const layer of network.layers) {
    for (const neuron of layer.neurons) {
      let z = 0;
      if (layer.activation === "radialBasis") {
        for (let c = 0; c < neuron.from.length; c++) {
          const d = values[neuron.from[c]] - neuron.weights[c];
          z += d * d;
        }
        // exp(f·ln(altitude) − Σ(x − w)² / (2·width²)), f = number of connections; bias is not used.
        z /= neuron.width * neuron.width * -2;
        if (neuron.altitude !== 1) z += Math.log(neuron.altitude) * neuron.from.length;
        z = exp(z);
      } else {
        for (let c = 0; c < neuron.from.length; c++) z += neuron.weights[c] * values[neuron.from[c]];
        if (neuron.bias !== undefined) z += neuron.bias;
        z = activate(layer.activation, z, layer.threshold, layer.leakage);
      }
      values.push(z);
    }
    normalize(layer.normalization, values, layer.base);
  }
  return values;
}

/** §NeuralNetwork activation functions, written as JPMML computes them. */
export function activate(fn: ActivationFunction, z: number, threshold: number, leakage: number | undefined): number {
  switch (fn) {
    case "threshold":
      return z > threshold ? 1 : 0;
    case "logistic":
      return 1 / (1 + exp(-z));
    case "tanh":
      return Math.tanh(z);
    case "identity":
      return z;
    case "exponential":
      return exp(z);
    case "reciprocal":
      return 1 / z;
    case "square":
      return z * z;
    case "Gauss":
      return exp(-(z * z));
    case "sine":
      return Math.sin(z);
    case "cosine":
      return Math.cos(z);
    case "Elliott":
      return z / (1 + Math.abs(z));
    case "arctan":
      return (2 * Math.atan(z)) / Math.PI;
    case "rectifier":
      return leakage === undefined ? Math.max(z, 0) : z > 0 ? z : z * leakage;
    case "radialBasis":
      throw new Error("radialBasis is computed from the connections, not from z");
  }
}

/** Layer normalisation of the slots from `base` on; like JPMML, the division is skipped when the sum is exactly 1. */
function normalize(method: NeuralNormalization, xs: number[], base: number): void {
  if (method === "none" || xs.length === base) return;
  if (method === "softmax") {
    let max = xs[base];
    for (let i = base; i < xs.length; i++) if (xs[i] > max) max = xs[i];
    for (let i = base; i < xs.length; i++) xs[i] = exp(xs[i] - max);
  }
  let sum = xs[base];
  for (let i = base + 1; i < xs.length; i++) sum += xs[i];
  if (sum === 1) return;
  for (let i = base; i < xs.length; i++) xs[i] /= sum;
}
