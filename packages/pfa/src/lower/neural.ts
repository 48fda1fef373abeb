/**
 * `model.neural.simpleLayers(datum, layers, activation)` over a cell of layers → an IR
 * NeuralNetwork, in the two shapes producers write (Hadrian's wiki, sklearn-to-pfa, aardpfark):
 * - regression: one element of the result, `layers(...)[k]`, optionally through a link
 *   (`m.link.logit(layers(...)[k])`, or the link of the whole array, then `[k]`);
 * - classification: `classes[a.argmax(layers(...))]` over a cell of class names.
 *
 * Exact because the arithmetic is the IR's, operation for operation: each neuron sums
 * weight × input from 0 in order, then adds its bias (PFA: `row.reduce(s + c·x, 0) + b`, the IR:
 * Σ then + bias, every bias written so that −0 sums alike); the activation runs on every layer
 * but the last, where the link (or none) runs instead. Activations are only those whose IR
 * function is PFA's formula: m.link.logit (both 1/(1 + exp(−z)) with the correctly rounded exp),
 * m.link.tanh (Math.tanh), m.link.relu (PFA's `z <= 0 ? 0 : z` is Math.max(z, 0), NaN and −0
 * included) and the identity; m.link.softmax of the whole result is the last layer's softmax
 * normalisation (both shift by the largest value, take the correctly rounded exp, sum from the
 * first and divide; x / 1 is x where the IR skips the division). a.argmax and the IR's argmax both
 * take the first largest output; they differ only on output neurons that overflowed to NaN (PFA
 * ranks NaN highest, the IR skips it; softmax's largest value skips it too) or are all −Infinity.
 */
import type { ActivationFunction, NeuralLayer, NeuralNetwork, NeuralNormalization, NeuralOutput } from "@porta/ir";
import type { CallNode, ExprNode, FcnArgNode, FcnDefNode } from "../ast/nodes.ts";
import { loweredModelBase } from "./model-base.ts";
import { cellValue, datumFields, lowerDatum, numbers, type LowerContext, type ModelValue } from "./models.ts";
import { notLowerable } from "./refusal.ts";
import { callOf, isRef, onlyExpr, plainCell } from "./shapes.ts";

type Arg = ExprNode | FcnArgNode;

const ACTIVATIONS: Readonly<Record<string, ActivationFunction>> = {
  "m.link.logit": "logistic",
  "m.link.tanh": "tanh",
  "m.link.relu": "rectifier",
};

const isLink = (e: Arg): e is CallNode => e.kind === "call" && Object.hasOwn(ACTIVATIONS, e.name) && e.args.length === 1;

/** The network's call and what follows its last layer: an activation (an elementwise link) or softmax, or neither. */
interface Layers {
  readonly call: CallNode;
  readonly last: ActivationFunction;
  readonly normalization: NeuralNormalization;
}

/** `simpleLayers(...)`, or an elementwise link or m.link.softmax of it. */
function layersOf(ctx: LowerContext, arg: Arg): Layers | undefined {
  let e = ctx.env.deref(arg);
  let last: ActivationFunction = "identity";
  let normalization: NeuralNormalization = "none";
  if (isLink(e)) {
    last = ACTIVATIONS[e.name]!;
    e = ctx.env.deref(e.args[0]!);
  } else {
    const softmax = callOf(e, "m.link.softmax");
    if (softmax?.args.length === 1) {
      normalization = "softmax";
      e = ctx.env.deref(softmax.args[0]!);
    }
  }
  const call = callOf(e, "model.neural.simpleLayers");
  return call ? { call, last, normalization } : undefined;
}

/** `base[k]`: one constant index of an array. */
function indexed(e: Arg): { base: ExprNode; index: number } | undefined {
  if (e.kind !== "attr" || e.to !== null || e.steps.length !== 1) return undefined;
  const step = e.steps[0]!;
  return step.kind === "literal" && step.type === "int" && typeof step.value === "number" ? { base: e.base, index: step.value } : undefined;
}

/** `classes[a.argmax(x)]` with `classes` a cell (`{"cell": "classes", "path": [...]}` or an attr of it): the cell and x. */
function classOfArgmax(e: Arg): { cell: ExprNode; scores: Arg } | undefined {
  let cell: ExprNode | undefined;
  let step: ExprNode | undefined;
  if (e.kind === "cell" && e.to === null && e.steps.length === 1) {
    cell = { ...e, steps: [] };
    step = e.steps[0];
  } else if (e.kind === "attr" && e.to === null && e.steps.length === 1 && plainCell(e.base)) {
    cell = e.base;
    step = e.steps[0];
  }
  const argmax = step && callOf(step, "a.argmax");
  return cell && argmax?.args.length === 1 ? { cell, scores: argmax.args[0]! } : undefined;
}

/** The activation argument: an inline function, a library link by name, or a user function, applying one link (or none) to its parameter. */
function activationOf(ctx: LowerContext, arg: Arg): ActivationFunction {
  let def: FcnDefNode | undefined;
  if (arg.kind === "fcnref") {
    if (arg.fill.length === 0 && Object.hasOwn(ACTIVATIONS, arg.name)) return ACTIVATIONS[arg.name]!;
    def = arg.name.startsWith("u.") && arg.fill.length === 0 ? ctx.fcns.get(arg.name.slice(2)) : undefined;
  } else if (arg.kind === "fcndef") def = arg;
  const param = def?.params.length === 1 ? def.params[0]!.name : undefined;
  const body = def && onlyExpr(def.body);
  if (param !== undefined && body) {
    if (isRef(body, param)) return "identity";
    if (isLink(body) && isRef(body.args[0]!, param)) return ACTIVATIONS[body.name]!;
  }
  return notLowerable("a neural activation other than m.link.logit, m.link.tanh, m.link.relu or the identity", arg.path);
}

interface Layer {
  readonly weights: number[][];
  readonly bias: number[];
}

/** The cell's layers, checked for the shapes simpleLayers accepts (it raises 11001 on every row otherwise). */
function layersCell(ctx: LowerContext, arg: Arg, path: string): { layers: Layer[]; inputs: number } {
  const cell = cellValue(ctx, arg, path);
  const layers = cell.value as Layer[];
  const ok =
    Array.isArray(layers) &&
    layers.length > 0 &&
    layers.every((l) => Array.isArray(l.weights) && l.weights.length > 0 && l.weights.every(numbers) && numbers(l.bias) && l.bias.length === l.weights.length);
  if (!ok)
    return notLowerable(`cell "${cell.name}" is not a non-empty array of layers {weights: array<array<double>>, bias: array<double>} of finite numbers`, path);
  const inputs = layers[0]!.weights[0]!.length;
  let width = inputs;
  layers.forEach((l, k) => {
    if (l.weights.some((row) => row.length !== width)) notLowerable(`layer ${k} of cell "${cell.name}" does not read the ${width} values before it`, path);
    width = l.weights.length;
  });
  return { layers, inputs };
}

function network(
  ctx: LowerContext,
  lc: Layers,
  functionName: "regression" | "classification",
): { model: NeuralNetwork; lastIds: string[]; value: Pick<ModelValue & { kind: "scored" }, "datum" | "lengthError"> } {
  const { call, last, normalization } = lc;
  if (call.args.length !== 3) return notLowerable("model.neural.simpleLayers without an activation", call.path);
  const { layers, inputs } = layersCell(ctx, call.args[1]!, call.path);
  const activation = activationOf(ctx, call.args[2]!);
  const datum = lowerDatum(ctx, call.args[0]!, inputs, call.path);
  let ids = datumFields(datum).map((_, j) => `x${j}`);
  const irLayers: NeuralLayer[] = layers.map((l, k) => {
    const from = ids;
    ids = l.weights.map((_, i) => `l${k}n${i}`);
    return {
      activationFunction: k === layers.length - 1 ? last : activation,
      ...(k === layers.length - 1 && { normalizationMethod: normalization }),
      path: `${call.path}/layers/${k}`,
      neurons: l.weights.map((row, i) => ({ id: ids[i]!, bias: l.bias[i]!, connections: row.map((weight, j) => ({ from: from[j]!, weight })) })),
    };
  });
  const model: NeuralNetwork = {
    kind: "neuralNetwork",
    ...loweredModelBase(functionName, call.path),
    activationFunction: activation,
    normalizationMethod: "none",
    threshold: 0,
    altitude: 1,
    inputs: datumFields(datum).map((field, j) => ({ id: `x${j}`, dataType: "double", expr: { kind: "fieldRef", field } })),
    layers: irLayers,
    outputs: [],
  };
  return {
    model,
    lastIds: ids,
    value: { datum, lengthError: { code: "PFA_RUNTIME_ERROR", message: "weights, bias, or datum misaligned", pfaCode: 11001 } },
  };
}

/** A neural network's value (regression element or argmax class), or undefined when `e` reads none. */
export function lowerNeural(ctx: LowerContext, e: Arg): ModelValue | undefined {
  let link: ActivationFunction | undefined;
  let scalar: Arg = e;
  if (isLink(e)) {
    link = ACTIVATIONS[e.name];
    scalar = e.args[0]!;
  }
  const element = indexed(ctx.env.deref(scalar));
  const regression = element && layersOf(ctx, element.base);
  if (element && regression) {
    if (link !== undefined && (regression.last !== "identity" || regression.normalization !== "none")) {
      return notLowerable("a link of an element of a linked or softmaxed network (the IR normalises after the activation)", e.path);
    }
    const { model, lastIds, value } = network(ctx, { ...regression, last: link ?? regression.last }, "regression");
    const neuron = lastIds[element.index];
    if (neuron === undefined) return notLowerable(`element ${element.index} of a last layer of ${lastIds.length} neurons`, e.path);
    return {
      kind: "scored",
      model,
      target: { dataType: "double", opType: "continuous", categories: [] },
      ...value,
      bindTarget: (field) => {
        model.outputs = [{ outputNeuron: neuron, expr: { kind: "fieldRef", field }, path: model.path }];
      },
    };
  }
  if (link !== undefined) return undefined;
  const argmax = classOfArgmax(ctx.env.deref(e));
  const classification = argmax && layersOf(ctx, argmax.scores);
  if (!argmax || !classification) return undefined;
  const classes = cellValue(ctx, argmax.cell, e.path);
  const { model, lastIds, value } = network(ctx, classification, "classification");
  const names = classes.value as unknown[];
  if (!Array.isArray(names) || names.length < lastIds.length || !names.every((n) => typeof n === "string")) {
    return notLowerable(`cell "${classes.name}" is not an array of at least ${lastIds.length} class names (one per output neuron)`, e.path);
  }
  const categories = (names as string[]).slice(0, lastIds.length);
  if (new Set(categories).size !== categories.length) return notLowerable(`cell "${classes.name}" names a class twice`, e.path);
  return {
    kind: "scored",
    model,
    target: { dataType: "string", opType: "categorical", categories },
    ...value,
    bindTarget: (field) => {
      model.outputs = lastIds.map(
        (outputNeuron, i): NeuralOutput => ({ outputNeuron, expr: { kind: "normDiscrete", field, value: categories[i]! }, path: model.path }),
      );
    },
  };
}
