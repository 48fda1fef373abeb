import type { ActivationFunction, LinearNorm, NeuralLayerPlan, NeuralNetwork, Pipeline, TargetInfo } from "@porta/ir";
import { lowerNeuralNetwork } from "@porta/ir";
import { type Block, type Json, cannotConvert, literal } from "../code.ts";
import { compileExpr } from "../expressions.ts";
import type { Env } from "../fields.ts";
import { classificationResult } from "./regression.ts";
import { category, type ModelCode } from "./result.ts";

const ARRAY: Json = { type: "array", items: "double" };

/**
 * NeuralNetwork (PMML 4.4 §NeuralNetwork) as one `let` per neuron rather than
 * model.neural.simpleLayers: each neuron sums weight × input over its connections in document
 * order, then adds the bias (JPMML's order; a matrix product would round differently), and PMML's
 * activations, layer normalisations and output mapping have no single library call.
 */
export function convertNeuralNetwork(model: NeuralNetwork, target: TargetInfo, env: Env, block: Block, pipeline: Pipeline): ModelCode {
  const plan = lowerNeuralNetwork(model, {
    name: target.name,
    category: (text) => category(text, target),
    derived: (name) => pipeline.transformations.find((f) => f.name === name)?.expr,
  });
  const inputs = plan.network.inputs.map((input) => {
    const code = compileExpr(input.expr, env, block);
    if (code.type !== "double") cannotConvert(`NeuralInput[@id=${input.id}]`, "a non-numeric neural input is not converted", model.path);
    return block.bind(code, "in");
  });
  // A missing input makes the network's result missing.
  const bindings: Record<string, Json> = {};
  const slots: Json[] = inputs.map((x) => {
    if (!x.nullable) return x.expr;
    const name = block.fresh("p");
    bindings[name] = x.expr;
    return name;
  });
  const statements: Json[] = [];
  for (const layer of plan.network.layers) layerStatements(layer, slots, statements, block, model.path);
  const output = plan.output;
  const outSlots = output.kind === "regression" ? [output.slot] : output.outputs.map((o) => o.slot);
  const body: Json = { do: [...statements, { new: outSlots.map((s) => slots[s]), type: ARRAY }] };
  const values: Json =
    Object.keys(bindings).length === 0
      ? { upcast: body, as: ["null", ARRAY] }
      : { ifnotnull: bindings, then: body, else: { type: ["null", ARRAY], value: null } };
  if (output.kind === "classification")
    return classificationResult(
      values,
      output.outputs.map((o) => o.category),
      block,
      target,
    );
  const k = block.fresh("o");
  const y: Json = { attr: k, path: [{ int: 0 }] };
  const value = output.denormalize === undefined ? y : denormalize(output.denormalize, y, block);
  return {
    value: block.bind(
      { expr: { ifnotnull: { [k]: values }, then: { upcast: value, as: ["null", "double"] }, else: null }, type: "double", nullable: true },
      "nn",
    ),
  };
}

function layerStatements(layer: NeuralLayerPlan, slots: Json[], statements: Json[], block: Block, path: string): void {
  const base = slots.length;
  for (const neuron of layer.neurons) {
    let z: Json;
    if (layer.activation === "radialBasis") return void cannotConvert("NeuralLayer@activationFunction=radialBasis", "not converted", layer.path);
    const terms = neuron.from.map((from, c): Json => ({ "*": [literal(neuron.weights[c], "double").expr, slots[from]] }));
    z = terms.length === 0 ? { double: 0 } : terms.reduce((a, b) => ({ "+": [a, b] }));
    if (neuron.bias !== undefined) z = { "+": [z, literal(neuron.bias, "double").expr] };
    const name = block.fresh("z");
    statements.push({ let: { [name]: activate(layer.activation, z, layer.threshold, layer.leakage, path) } });
    slots.push(name);
  }
  if (layer.normalization === "none" || slots.length === base) return;
  const layerSlots = slots.slice(base);
  let values = layerSlots;
  if (layer.normalization === "softmax") {
    const max = block.fresh("max");
    statements.push({ let: { [max]: layerSlots.reduce((a, b) => ({ if: { ">": [b, a] }, then: b, else: a })) } });
    values = layerSlots.map((s) => {
      const e = block.fresh("e");
      statements.push({ let: { [e]: { "m.exp": { "-": [s, max] } } } });
      return e;
    });
  }
  const sum = block.fresh("sum");
  statements.push({ let: { [sum]: values.reduce((a, b) => ({ "+": [a, b] })) } });
  // x / 1 is x: dividing when the sum is exactly 1 (JPMML skips it) changes nothing.
  values.forEach((v, i) => {
    const n = block.fresh("n");
    statements.push({ let: { [n]: { "/": [v, sum] } } });
    slots[base + i] = n;
  });
}

/** §NeuralNetwork activation functions, as the interpreter's activate. */
function activate(fn: ActivationFunction, z: Json, threshold: number, leakage: number | undefined, path: string): Json {
  const one = { double: 1 };
  switch (fn) {
    case "threshold":
      return { if: { ">": [z, literal(threshold, "double").expr] }, then: one, else: { double: 0 } };
    case "logistic":
      return { "/": [one, { "+": [one, { "m.exp": { "u-": z } }] }] };
    case "tanh":
      return { "m.tanh": z };
    case "identity":
      return z;
    case "exponential":
      return { "m.exp": z };
    case "reciprocal":
      return { "/": [one, z] };
    case "square":
      return { do: [{ let: { sq: z } }, { "*": ["sq", "sq"] }] };
    case "Gauss":
      return { do: [{ let: { g: z } }, { "m.exp": { "u-": { "*": ["g", "g"] } } }] };
    case "sine":
      return { "m.sin": z };
    case "cosine":
      return { "m.cos": z };
    case "Elliott":
      return { do: [{ let: { el: z } }, { "/": ["el", { "+": [one, { "m.abs": "el" }] }] }] };
    case "arctan":
      return { "/": [{ "*": [{ double: 2 }, { "m.atan": z }] }, { "m.pi": [] }] };
    case "rectifier":
      if (leakage === undefined) return { do: [{ let: { r: z } }, { if: { ">": ["r", { double: 0 }] }, then: "r", else: { double: 0 } }] };
      return { do: [{ let: { r: z } }, { if: { ">": ["r", { double: 0 }] }, then: "r", else: { "*": ["r", literal(leakage, "double").expr] } }] };
    default:
      return cannotConvert(`NeuralLayer@activationFunction=${fn}`, "not converted", path);
  }
}

/** Inverse of NormContinuous's piecewise-linear map, the segment picked in norm space (the interpreter's denormalize). */
function denormalize(pts: readonly LinearNorm[], y: Json, block: Block): Json {
  const v = block.fresh("y");
  // (start, end) per the interpreter's scan: the last point ≤ y before the first ≥ y.
  const segment = (start: LinearNorm, end: LinearNorm): Json => ({
    "+": [
      {
        "*": [
          { "/": [{ "-": [v, literal(start.norm, "double").expr] }, { "-": [literal(end.norm, "double").expr, literal(start.norm, "double").expr] }] },
          { "-": [literal(end.orig, "double").expr, literal(start.orig, "double").expr] },
        ],
      },
      literal(start.orig, "double").expr,
    ],
  });
  // Scan i = 1 … n-2: y ≥ norm_i moves the start; else y ≤ norm_i ends the scan there.
  const scan = (i: number, start: LinearNorm): Json => {
    if (i >= pts.length - 1) return segment(start, pts[pts.length - 1]);
    return {
      if: { ">=": [v, literal(pts[i].norm, "double").expr] },
      then: scan(i + 1, pts[i]),
      else: { if: { "<=": [v, literal(pts[i].norm, "double").expr] }, then: segment(start, pts[i]), else: scan(i + 1, start) },
    };
  };
  if (pts.length > 12) cannotConvert("NormContinuous (neural output)", "more than 12 LinearNorms are not converted");
  return { do: [{ let: { [v]: y } }, scan(1, pts[0])] };
}
