import { lowerNeuralLayers, PortaError, type ActivationFunction, type NeuralLayersPlan, type NeuralNetwork } from "@porta/ir";
import type { GraphBuilder } from "../graph.ts";
import { NotExportable } from "../refusal.ts";
import { compileExpr } from "../expressions.ts";
import type { GraphScope } from "../scope.ts";

/**
 * NeuralNetwork: inputs, then each layer as MatMul + bias + activation (+ softmax/simplemax), on
 * [N, width] double tensors. Returns every neuron's column by id; the backend maps the
 * NeuralOutputs to the target with the interpreter's rules.
 */
export function neuralNetwork(model: NeuralNetwork, scope: GraphScope): { values: string; ids: readonly string[] } {
  const g = scope.g;
  const network = layersOrRefuse(model);
  const columns: string[] = [];
  for (const input of network.inputs) {
    const v = compileExpr(input.expr, scope, `NeuralInput id="${input.id}"`);
    if (v.kind !== "number" || v.scalar) throw new NotExportable(`NeuralInput id="${input.id}" is not a numeric column`);
    columns.push(v.tensor);
  }
  // Column k of `all` is slot k of the plan: the inputs, then each layer's neurons.
  let all = g.concat(columns);
  const columnCache = new Map<number, string>();
  const column = (k: number): string => {
    let c = columnCache.get(k);
    if (!c) {
      c = g.column(all, k);
      columnCache.set(k, c);
    }
    return c;
  };
  for (const layer of network.layers) {
    if (layer.activation === "radialBasis") throw new NotExportable('NeuralLayer activationFunction="radialBasis" is not exported');
    // A layer is one tensor op: a Con reading a neuron of its own layer cannot be one.
    if (layer.neurons.some((n) => n.from.some((slot) => slot >= layer.base)))
      throw new NotExportable(`a Con of NeuralLayer ${layer.path} reads a neuron of its own layer`);
    const U = layer.neurons.length;
    const W = new Float64Array(layer.base * U);
    const bias = new Float64Array(U);
    layer.neurons.forEach((neuron, j) => {
      bias[j] = neuron.bias ?? 0;
      neuron.from.forEach((slot, c) => {
        W[slot * U + j] += neuron.weights[c];
      });
    });
    const z = sameOrder(layer.neurons.map((nr) => nr.from))
      ? sequentialSums(
          g,
          layer.neurons.map((nr) => nr.weights),
          layer.neurons[0].from.map(column),
          bias,
        )
      : g.add(g.op("MatMul", [all, g.doubles(W, [layer.base, U])]), g.doubles(bias, [1, U]));
    let a = activate(g, layer.activation, z, layer.threshold, layer.leakage);
    if (layer.normalization === "softmax") a = g.op("Softmax", [a], { axis: { kind: "int", value: -1 } });
    else if (layer.normalization === "simplemax") a = g.div(a, g.op("ReduceSum", [a, g.int64s([-1])], { keepdims: { kind: "int", value: 1 } }));
    all = g.concat([all, a]);
    columnCache.clear();
  }
  return { values: all, ids: network.ids };
}

/** The plan's layers, or the refusal naming the element the interpreter would reject. */
function layersOrRefuse(model: NeuralNetwork): NeuralLayersPlan {
  try {
    return lowerNeuralLayers(model);
  } catch (e) {
    if (e instanceof PortaError) throw new NotExportable(`NeuralNetwork (${e.code}${e.path ? ` at ${e.path}` : ""})`);
    throw e;
  }
}

function activate(g: GraphBuilder, fn: ActivationFunction, z: string, threshold: number, leakage: number | undefined): string {
  switch (fn) {
    case "logistic":
      return g.div(g.scalar(1), g.add(g.scalar(1), g.op("Exp", [g.op("Neg", [z])])));
    case "tanh":
      return g.op("Tanh", [z]);
    case "identity":
      return z;
    case "exponential":
      return g.op("Exp", [z]);
    case "reciprocal":
      return g.div(g.scalar(1), z);
    case "square":
      return g.mul(z, z);
    case "Gauss":
      return g.op("Exp", [g.op("Neg", [g.mul(z, z)])]);
    case "sine":
      return g.op("Sin", [z]);
    case "cosine":
      return g.op("Cos", [z]);
    case "Elliott":
      return g.div(z, g.add(g.scalar(1), g.op("Abs", [z])));
    case "arctan":
      return g.div(g.mul(g.scalar(2), g.op("Atan", [z])), g.scalar(Math.PI));
    case "threshold":
      return g.where(g.op("Greater", [z, g.scalar(threshold)]), g.scalar(1), g.scalar(0));
    case "rectifier":
      return leakage === undefined ? g.op("Max", [z, g.scalar(0)]) : g.where(g.op("Greater", [z, g.scalar(0)]), z, g.mul(z, g.scalar(leakage)));
    case "radialBasis":
      throw new NotExportable('activationFunction="radialBasis" is not exported');
  }
}

function sameOrder(froms: readonly (readonly number[])[]): boolean {
  return froms.length > 0 && froms[0].length > 0 && froms.every((f) => f.length === froms[0].length && f.every((x, k) => x === froms[0][k]));
}

/**
 * z = Σ wᵢ·xᵢ + bias summed connection by connection, as the interpreter does (and JPMML), when
 * every neuron of the layer reads the same sources in the same order: a MatMul's own order of
 * summation would differ in the last bits.
 */
function sequentialSums(g: GraphBuilder, weights: readonly (readonly number[])[], sources: string[], bias: Float64Array): string {
  const width = weights.length;
  let z: string | undefined;
  sources.forEach((x, c) => {
    const term = g.mul(
      x,
      g.doubles(
        weights.map((w) => w[c]),
        [1, width],
      ),
    );
    z = z === undefined ? g.add(g.doubles(new Float64Array(width), [1, width]), term) : g.add(z, term);
  });
  return g.add(z!, g.doubles(bias, [1, width]));
}
