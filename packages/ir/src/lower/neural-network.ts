import { SchemaError } from "../errors.ts";
import type { Expr, LinearNorm } from "../expr.ts";
import type { ActivationFunction, NeuralInput, NeuralLayer, NeuralNetwork, NeuralNormalization, NeuralOutput } from "../models/neural-network.ts";
import type { Value } from "../values.ts";
import { memoizedPlan } from "./plan-cache.ts";

/**
 * NeuralNetwork (PMML 4.4 §NeuralNetwork) lowered. Every input and neuron has a slot, numbered in
 * document order (the inputs, then each layer's neurons): the order of the ONNX exporter's concatenated
 * columns and of compile-js's neuron array. Each layer carries its resolved activation,
 * threshold, leakage, normalisation and radial-basis width/altitude, and each neuron its connections
 * as slots. The NeuralOutputs for the target become one rule (classification by NormDiscrete,
 * regression by FieldRef or the inverse NormContinuous). Backends hold only the sums and activations.
 */

export interface NeuronPlan {
  readonly id: string;
  /** The slot each Con reads, in document order (the summation order). */
  readonly from: readonly number[];
  readonly weights: readonly number[];
  /** Added after the sum when written; undefined is "no bias" (not 0: the sum keeps its −0). */
  readonly bias: number | undefined;
  /** radialBasis only: the neuron's width, else the layer's, else the network's. */
  readonly width: number;
  /** radialBasis only: the layer's altitude, else the network's (JPMML ignores a Neuron's own). */
  readonly altitude: number;
}

export interface NeuralLayerPlan {
  readonly activation: ActivationFunction;
  readonly threshold: number;
  readonly leakage: number | undefined;
  readonly normalization: NeuralNormalization;
  /** Slot of the layer's first neuron; its neurons take the slots that follow. */
  readonly base: number;
  readonly neurons: readonly NeuronPlan[];
  readonly path: string;
}

export interface NeuralLayersPlan {
  readonly inputs: readonly NeuralInput[];
  readonly layers: readonly NeuralLayerPlan[];
  /** The id of each slot. */
  readonly ids: readonly string[];
  /**
   * The slot an id names once every layer is computed. An id defined twice names its later
   * definition from then on (the interpreter's map of values by id always read it so).
   */
  readonly slots: ReadonlyMap<string, number>;
}

/** The target as the outputs need it: its name, how a category is typed, and the DerivedFields outside the model. */
export interface NeuralTarget {
  readonly name: string | null;
  category(text: string): Value;
  /** The expression of a pipeline-level DerivedField (the model's LocalTransformations are looked up first). */
  derived(name: string): Expr | undefined;
}

export type NeuralOutputPlan =
  | {
      readonly kind: "classification";
      /** One per NeuralOutput for the target, in document order (the argmax tie order: the first wins). */
      readonly outputs: readonly { readonly category: Value; readonly slot: number; readonly neuron: string }[];
    }
  | {
      readonly kind: "regression";
      readonly slot: number;
      /** NormContinuous's points (at least two) when the neuron's value is denormalised; undefined for a FieldRef. */
      readonly denormalize: readonly LinearNorm[] | undefined;
    };

export interface NeuralNetworkPlan {
  readonly network: NeuralLayersPlan;
  readonly output: NeuralOutputPlan;
}

/** The layers of `model` as slots: what an exporter needs without the target. */
export const lowerNeuralLayers: (model: NeuralNetwork) => NeuralLayersPlan = memoizedPlan((model: NeuralNetwork): NeuralLayersPlan => {
  const ids: string[] = [];
  const slots = new Map<string, number>();
  const define = (id: string): void => {
    slots.set(id, ids.length);
    ids.push(id);
  };
  for (const input of model.inputs) define(input.id);
  const layers = model.layers.map((layer): NeuralLayerPlan => {
    const activation = layer.activationFunction ?? model.activationFunction;
    const base = ids.length;
    const neurons = layer.neurons.map((neuron): NeuronPlan => {
      // A Con may read a neuron of its own layer defined before it (its value before the layer's normalisation).
      const from = neuron.connections.map((c) => slotOf(slots, c.from, layer));
      let width = NaN;
      if (activation === "radialBasis") {
        const w = neuron.width ?? layer.width ?? model.width;
        if (w === undefined) throw new SchemaError("PMML_MISSING_ATTRIBUTE", "radialBasis activation needs a width", { path: layer.path, value: "width" });
        width = w;
      }
      define(neuron.id);
      return { id: neuron.id, from, weights: neuron.connections.map((c) => c.weight), bias: neuron.bias, width, altitude: layer.altitude ?? model.altitude };
    });
    return {
      activation,
      threshold: layer.threshold ?? model.threshold,
      leakage: layer.leakage ?? model.leakage,
      normalization: layer.normalizationMethod ?? model.normalizationMethod,
      base,
      neurons,
      path: layer.path,
    };
  });
  return { inputs: model.inputs, layers, ids, slots };
});

/** The layers and the output rule of `model` for `target` (memoized per node: a node has one target). */
export const lowerNeuralNetwork: (model: NeuralNetwork, target: NeuralTarget) => NeuralNetworkPlan = memoizedPlan(
  (model: NeuralNetwork, target: NeuralTarget): NeuralNetworkPlan => {
    const network = lowerNeuralLayers(model);
    return { network, output: outputRule(model, network, target) };
  },
);

function slotOf(slots: ReadonlyMap<string, number>, from: string, layer: NeuralLayer): number {
  const slot = slots.get(from);
  if (slot === undefined) {
    throw new SchemaError("PMML_NN_CONNECTION", `Con from="${from}" names no input or earlier neuron`, { path: layer.path, value: from });
  }
  return slot;
}

function outputRule(model: NeuralNetwork, network: NeuralLayersPlan, target: NeuralTarget): NeuralOutputPlan {
  const outputs = targetOutputs(model, target);
  if (outputs.length === 0) {
    throw new SchemaError("PMML_NN_OUTPUTS", `no NeuralOutput maps to the target "${target.name ?? ""}"`, { path: model.path, value: target.name });
  }
  if (model.functionName === "classification") {
    return {
      kind: "classification",
      outputs: outputs.map(({ output, expr }) => {
        if (expr.kind !== "normDiscrete") {
          // JPMML: MisplacedElementException, a document error rather than a missing feature.
          throw new SchemaError("PMML_MISPLACED_ELEMENT", `a classification NeuralOutput must map its neuron through NormDiscrete, not ${exprElement(expr)}`, {
            path: output.path,
            value: exprElement(expr),
          });
        }
        return { category: target.category(expr.value), slot: neuronSlot(network, output), neuron: output.outputNeuron };
      }),
    };
  }
  if (model.functionName === "regression") {
    if (outputs.length !== 1) {
      throw new SchemaError("PMML_NN_OUTPUTS", `a regression NeuralNetwork needs exactly one NeuralOutput for its target, found ${outputs.length}`, {
        path: model.path,
        value: outputs.length,
      });
    }
    const { output, expr } = outputs[0];
    const slot = neuronSlot(network, output);
    switch (expr.kind) {
      case "fieldRef":
        return { kind: "regression", slot, denormalize: undefined };
      case "normContinuous":
        if (expr.points.length < 2)
          throw new SchemaError("PMML_NORM_CONTINUOUS", "NormContinuous needs at least two LinearNorm elements", {
            path: expr.path,
            value: expr.points.length,
          });
        return { kind: "regression", slot, denormalize: expr.points };
      default:
        throw new SchemaError("PMML_MISPLACED_ELEMENT", `a regression NeuralOutput must use FieldRef or NormContinuous, not ${exprElement(expr)}`, {
          path: output.path,
          value: exprElement(expr),
        });
    }
  }
  throw new SchemaError("PMML_FUNCTION_NAME", `NeuralNetwork cannot do ${model.functionName}`, { path: model.path, value: model.functionName });
}

function neuronSlot(network: NeuralLayersPlan, output: NeuralOutput): number {
  const slot = network.slots.get(output.outputNeuron);
  if (slot === undefined) {
    throw new SchemaError("PMML_NN_NEURON", `NeuralOutput names neuron "${output.outputNeuron}", which does not exist`, {
      path: output.path,
      value: output.outputNeuron,
    });
  }
  return slot;
}

/** Each NeuralOutput for the target with its expression, a FieldRef to a DerivedField replaced by that field's expression. */
function targetOutputs(model: NeuralNetwork, target: NeuralTarget): { output: NeuralOutput; expr: Expr }[] {
  const result: { output: NeuralOutput; expr: Expr }[] = [];
  for (const output of model.outputs) {
    let expr = output.expr;
    if (expr.kind === "fieldRef") {
      const name = expr.field;
      const derived = model.localTransformations.find((f) => f.name === name)?.expr ?? target.derived(name);
      if (derived) expr = derived;
    }
    const field = expr.kind === "fieldRef" || expr.kind === "normContinuous" || expr.kind === "normDiscrete" ? expr.field : undefined;
    if (field === undefined) {
      throw new SchemaError(
        "PMML_MISPLACED_ELEMENT",
        `a NeuralOutput must map its neuron through FieldRef, NormContinuous or NormDiscrete, not ${exprElement(expr)}`,
        { path: output.path, value: exprElement(expr) },
      );
    }
    if (target.name === null || field === target.name) result.push({ output, expr });
  }
  return result;
}

function exprElement(expr: Expr): string {
  const names: Record<Expr["kind"], string> = {
    constant: "Constant",
    fieldRef: "FieldRef",
    apply: "Apply",
    normContinuous: "NormContinuous",
    normDiscrete: "NormDiscrete",
    discretize: "Discretize",
    mapValues: "MapValues",
    textIndex: "TextIndex",
  };
  return names[expr.kind];
}
