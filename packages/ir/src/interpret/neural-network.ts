import type { ActivationFunction, NeuralLayer, NeuralNetwork, NeuralNormalization, NeuralOutput } from "../models/neural-network.ts";
import type { ModelResult } from "../model.ts";
import type { Expr, NormContinuousExpr } from "../expr.ts";
import { SchemaError } from "../errors.ts";
import { toDataType, toNumber, type Value } from "../values.ts";
import { evaluateExpr } from "./expression.ts";
import type { ModelScope } from "./scope.ts";
import { toCategory, type TargetInfo } from "./target.ts";
import { exp } from "./exp.ts";

/**
 * NeuralNetwork (PMML 4.4 §NeuralNetwork): inputs from DerivedField expressions, then each
 * layer in order: Σ weight × input over the connections, + bias, activation, then the layer's
 * normalisation. Outputs map neurons back to the target (NormDiscrete / NormContinuous / FieldRef).
 */
export function evaluateNeuralNetwork(model: NeuralNetwork, scope: ModelScope, target: TargetInfo): ModelResult {
  const values = evaluateNeurons(model, scope);
  if (values === null) return { value: null };
  return neuralNetworkResult(model, scope, target, values);
}

/**
 * The network's result from the value of every neuron by id (the NeuralOutputs mapped to the
 * target): what a backend that computed the layers itself (onnx) reports.
 */
export function neuralNetworkResult(model: NeuralNetwork, scope: ModelScope, target: TargetInfo, values: Map<string, number>): ModelResult {
  const outputs = targetOutputs(model, scope, target);
  if (outputs.length === 0) {
    throw new SchemaError("PMML_NN_OUTPUTS", `no NeuralOutput maps to the target "${target.name ?? ""}"`, { path: model.path, value: target.name });
  }
  if (model.functionName === "classification") {
    const probabilities = new Map<Value, number>();
    let best: Value = null, bestP = -Infinity, bestNeuron: string | null = null;
    for (const { output, expr } of outputs) {
      if (expr.kind !== "normDiscrete") {
        // JPMML: MisplacedElementException, a document error rather than a missing feature.
        throw new SchemaError("PMML_MISPLACED_ELEMENT", `a classification NeuralOutput must map its neuron through NormDiscrete, not ${exprElement(expr)}`, { path: output.path, value: exprElement(expr) });
      }
      const p = neuronValue(values, output);
      const category = toCategory(expr.value, target);
      probabilities.set(category, p);
      if (p > bestP) { best = category; bestP = p; bestNeuron = output.outputNeuron; }
    }
    return { value: best, probabilities, entityId: bestNeuron };
  }
  if (model.functionName === "regression") {
    if (outputs.length !== 1) {
      throw new SchemaError("PMML_NN_OUTPUTS", `a regression NeuralNetwork needs exactly one NeuralOutput for its target, found ${outputs.length}`, { path: model.path, value: outputs.length });
    }
    const { output, expr } = outputs[0];
    const y = neuronValue(values, output);
    switch (expr.kind) {
      case "fieldRef":
        return { value: y };
      case "normContinuous":
        return { value: denormalize(expr, y) };
      default:
        throw new SchemaError("PMML_MISPLACED_ELEMENT", `a regression NeuralOutput must use FieldRef or NormContinuous, not ${exprElement(expr)}`, { path: output.path, value: exprElement(expr) });
    }
  }
  throw new SchemaError("PMML_FUNCTION_NAME", `NeuralNetwork cannot do ${model.functionName}`, { path: model.path, value: model.functionName });
}

function exprElement(expr: Expr): string {
  const names: Record<Expr["kind"], string> = {
    constant: "Constant", fieldRef: "FieldRef", apply: "Apply", normContinuous: "NormContinuous",
    normDiscrete: "NormDiscrete", discretize: "Discretize", mapValues: "MapValues", textIndex: "TextIndex",
  };
  return names[expr.kind];
}

function neuronValue(values: Map<string, number>, output: NeuralOutput): number {
  const v = values.get(output.outputNeuron);
  if (v === undefined) {
    throw new SchemaError("PMML_NN_NEURON", `NeuralOutput names neuron "${output.outputNeuron}", which does not exist`, { path: output.path, value: output.outputNeuron });
  }
  return v;
}

/** Each NeuralOutput with its expression, a FieldRef to a DerivedField replaced by that field's expression. */
function targetOutputs(model: NeuralNetwork, scope: ModelScope, target: TargetInfo): { output: NeuralOutput; expr: Expr }[] {
  const result: { output: NeuralOutput; expr: Expr }[] = [];
  for (const output of model.outputs) {
    let expr = output.expr;
    if (expr.kind === "fieldRef") {
      const name = expr.field;
      const derived = model.localTransformations.find((f) => f.name === name) ?? scope.root.derived.get(name);
      if (derived) expr = derived.expr;
    }
    const field = expr.kind === "fieldRef" || expr.kind === "normContinuous" || expr.kind === "normDiscrete" ? expr.field : undefined;
    if (field === undefined) {
      throw new SchemaError("PMML_MISPLACED_ELEMENT", `a NeuralOutput must map its neuron through FieldRef, NormContinuous or NormDiscrete, not ${exprElement(expr)}`, { path: output.path, value: exprElement(expr) });
    }
    if (target.name === null || field === target.name) result.push({ output, expr });
  }
  return result;
}

/** Inverse of NormContinuous's piecewise-linear map, picking the segment in norm space (JPMML). */
function denormalize(expr: NormContinuousExpr, y: number): number {
  const pts = expr.points;
  if (pts.length < 2) throw new SchemaError("PMML_NORM_CONTINUOUS", "NormContinuous needs at least two LinearNorm elements", { path: expr.path, value: pts.length });
  let start = pts[0], end = pts[pts.length - 1];
  for (let i = 1; i < pts.length - 1; i++) {
    if (y >= pts[i].norm) start = pts[i];
    else if (y <= pts[i].norm) { end = pts[i]; break; }
  }
  return ((y - start.norm) / (end.norm - start.norm)) * (end.orig - start.orig) + start.orig;
}

/** Values of every input and neuron by id; null when an input is missing. */
function evaluateNeurons(model: NeuralNetwork, scope: ModelScope): Map<string, number> | null {
  const values = new Map<string, number>();
  for (const input of model.inputs) {
    const raw = evaluateExpr(input.expr, scope);
    if (raw === null) return null;
    const typed = toDataType(raw, input.dataType);
    values.set(input.id, toNumber(typed === undefined ? raw : typed));
  }
  for (const layer of model.layers) {
    const activation = layer.activationFunction ?? model.activationFunction;
    const outputs: number[] = [];
    for (const neuron of layer.neurons) {
      let z = 0;
      if (activation === "radialBasis") {
        for (const c of neuron.connections) {
          const d = input(values, c.from, layer) - c.weight;
          z += d * d;
        }
        const width = neuron.width ?? layer.width ?? model.width;
        if (width === undefined) {
          throw new SchemaError("PMML_MISSING_ATTRIBUTE", "radialBasis activation needs a width", { path: layer.path, value: "width" });
        }
        // JPMML reads altitude from the layer, else the network: a Neuron's own altitude is not used.
        const altitude = layer.altitude ?? model.altitude;
        // exp(f·ln(altitude) − Σ(x − w)² / (2·width²)), f = number of connections; bias is not used.
        z /= width * width * -2;
        if (altitude !== 1) z += Math.log(altitude) * neuron.connections.length;
        z = exp(z);
      } else {
        for (const c of neuron.connections) z += c.weight * input(values, c.from, layer);
        if (neuron.bias !== undefined) z += neuron.bias;
        z = activate(activation, z, layer.threshold ?? model.threshold, layer.leakage ?? model.leakage);
      }
      values.set(neuron.id, z);
      outputs.push(z);
    }
    normalize(layer.normalizationMethod ?? model.normalizationMethod, outputs);
    layer.neurons.forEach((n, i) => values.set(n.id, outputs[i]));
  }
  return values;
}

function input(values: Map<string, number>, from: string, layer: NeuralLayer): number {
  const v = values.get(from);
  if (v === undefined) {
    throw new SchemaError("PMML_NN_CONNECTION", `Con from="${from}" names no input or earlier neuron`, { path: layer.path, value: from });
  }
  return v;
}

/** §NeuralNetwork activation functions, written as JPMML computes them. */
export function activate(fn: ActivationFunction, z: number, threshold: number, leakage: number | undefined): number {
  switch (fn) {
    case "threshold": return z > threshold ? 1 : 0;
    case "logistic": return 1 / (1 + exp(-z));
    case "tanh": return Math.tanh(z);
    case "identity": return z;
    case "exponential": return exp(z);
    case "reciprocal": return 1 / z;
    case "square": return z * z;
    case "Gauss": return exp(-(z * z));
    case "sine": return Math.sin(z);
    case "cosine": return Math.cos(z);
    case "Elliott": return z / (1 + Math.abs(z));
    case "arctan": return (2 * Math.atan(z)) / Math.PI;
    case "rectifier": return leakage === undefined ? Math.max(z, 0) : (z > 0 ? z : z * leakage);
    case "radialBasis": throw new Error("radialBasis is computed from the connections, not from z");
  }
}

/** Layer normalisation; like JPMML, the division is skipped when the sum is exactly 1. */
function normalize(method: NeuralNormalization, xs: number[]): void {
  if (method === "none" || xs.length === 0) return;
  if (method === "softmax") {
    let max = xs[0];
    for (const x of xs) if (x > max) max = x;
    for (let i = 0; i < xs.length; i++) xs[i] = exp(xs[i] - max);
  }
  let sum = xs[0];
  for (let i = 1; i < xs.length; i++) sum += xs[i];
  if (sum === 1) return;
  for (let i = 0; i < xs.length; i++) xs[i] /= sum;
}
