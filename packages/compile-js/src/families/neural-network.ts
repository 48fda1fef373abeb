import type { ActivationFunction, Expr, NeuralNetwork, NeuralNormalization, NormContinuousExpr, Value } from "@porta/ir";
import { _, join, type Code, type Name } from "../codegen.ts";
import { MISSING_CODE } from "../columns.ts";
import { declareLocals, type FamilyRow, type KernelContext } from "../kernel.ts";
import type { TargetFacts } from "../targets.ts";
import { NotCompilable } from "../unsupported.ts";

/**
 * NeuralNetwork as the interpreter's evaluateNeurons: every input and neuron has a slot in one
 * module-level Float64Array (reused by every row); each layer is a loop over typed tables of
 * connections, summed in document order, + bias when given, then the activation and the
 * layer's normalisation in place. exp is the interpreter's correctly rounded one.
 */
export function compileNeuralNetwork(model: NeuralNetwork, ctx: KernelContext, target: TargetFacts): FamilyRow {
  const slots = new Map<string, number>();
  const slotOf = (id: string): number => {
    const k = slots.get(id);
    if (k === undefined) throw new NotCompilable("NeuralNetwork Con from a neuron that is not defined before it");
    return k;
  };
  const define = (id: string) => {
    if (slots.has(id)) throw new NotCompilable("NeuralNetwork with a duplicate neuron id");
    slots.set(id, slots.size);
  };
  for (const input of model.inputs) {
    if (input.dataType !== "double" && input.dataType !== "float") throw new NotCompilable(`NeuralInput of dataType ${input.dataType}`);
    define(input.id);
  }
  const exp = ctx.helper("exp");
  const vals = ctx.names.name("neurons");
  const statements: Code[] = [];
  const ok = ctx.names.name("ok");
  const inputCode = model.inputs.map((input, k) => {
    const x = ctx.expr(input.expr);
    const set = _`${vals}[${k}] = ${input.dataType === "float" ? _`Math.fround(${x})` : x};`;
    // The interpreter stops at the first missing input: later ones (whose evaluation may fail)
    // are evaluated only while all before them are present.
    const present = _`${ok} = ${vals}[${k}] === ${vals}[${k}];`;
    return k === 0 ? _`let ${ok}; ${set} ${present}` : _`if (${ok}) { ${set} ${present} } else ${vals}[${k}] = NaN;`;
  });
  for (const layer of model.layers) {
    const base = slots.size;
    const U = layer.neurons.length;
    const starts = new Int32Array(U + 1);
    const from: number[] = [];
    const weights: number[] = [];
    layer.neurons.forEach((neuron, u) => {
      for (const c of neuron.connections) { from.push(slotOf(c.from)); weights.push(c.weight); }
      starts[u + 1] = from.length;
    });
    for (const neuron of layer.neurons) define(neuron.id);
    const cs = ctx.pool.add(starts, "cons");
    const fr = ctx.pool.add(Int32Array.from(from), "from");
    const w = ctx.pool.add(Float64Array.from(weights), "w");
    const activation = layer.activationFunction ?? model.activationFunction;
    if (activation === "radialBasis") {
      const widths = layer.neurons.map((n) => n.width ?? layer.width ?? model.width);
      if (widths.some((x) => x === undefined)) throw new NotCompilable("radialBasis NeuralLayer without a width");
      const altitudes = layer.neurons.map(() => layer.altitude ?? model.altitude);
      const wd = ctx.pool.add(Float64Array.from(widths as number[]), "width");
      const al = ctx.pool.add(Float64Array.from(altitudes), "altitude");
      statements.push(_`for (let u = 0; u < ${U}; u++) {
  let z = 0; const e = ${cs}[u + 1];
  for (let c = ${cs}[u]; c < e; c++) { const d = ${vals}[${fr}[c]] - ${w}[c]; z += d * d; }
  const width = ${wd}[u]; z /= width * width * -2;
  if (${al}[u] !== 1) z += Math.log(${al}[u]) * (e - ${cs}[u]);
  ${vals}[${base} + u] = ${exp}(z);
}`);
    } else {
      const bias = ctx.pool.add(Float64Array.from(layer.neurons, (n) => n.bias ?? NaN), "bias");
      const act = activate(activation, _`z`, layer.threshold ?? model.threshold, layer.leakage ?? model.leakage, exp);
      statements.push(_`for (let u = 0; u < ${U}; u++) {
  let z = 0; const e = ${cs}[u + 1];
  for (let c = ${cs}[u]; c < e; c++) z += ${w}[c] * ${vals}[${fr}[c]];
  const b = ${bias}[u]; if (b === b) z += b;
  ${vals}[${base} + u] = ${act};
}`);
    }
    statements.push(normalize(layer.normalizationMethod ?? model.normalizationMethod, vals, base, U, exp));
  }
  ctx.declare(_`const ${vals} = new Float64Array(${Math.max(slots.size, 1)});`);
  const missing = ctx.names.name("miss");
  const present = model.inputs.length ? join(model.inputs.map((_i, k) => _`${vals}[${k}] === ${vals}[${k}]`), " && ") : _`true`;
  const head = _`${join(inputCode, "\n")}
const ${missing} = !(${present});`;
  const outputs = targetOutputs(model, ctx, target);
  if (outputs.length === 0) throw new NotCompilable("NeuralNetwork without a NeuralOutput for its target");
  const value = ctx.names.name("value");
  if (model.functionName === "classification") {
    const categories: Value[] = [];
    const neuronIds: (string | null)[] = [];
    for (const { expr, neuron } of outputs) {
      if (expr.kind !== "normDiscrete") throw new NotCompilable(`classification NeuralOutput through ${expr.kind}`);
      const c = target.category(expr.value);
      if (categories.includes(c)) throw new NotCompilable("two NeuralOutputs for one category");
      categories.push(c);
      neuronIds.push(neuron);
    }
    const probabilities = categories.map(() => ctx.names.name("p"));
    const best = ctx.names.name("best");
    const body = _`${head}
let ${value} = ${MISSING_CODE}; ${declareLocals(probabilities)}
if (!${missing}) {
${join(statements, "\n")}
let ${best} = -Infinity;
${join(outputs.map((o, k) => _`${probabilities[k]} = ${vals}[${slotOf(o.neuron)}]; if (${probabilities[k]} > ${best}) { ${best} = ${probabilities[k]}; ${value} = ${k}; }`), "\n")}
}`;
    // entityId: the winning output neuron, by category position.
    return { body, value, kind: "category", categories, probabilities, staticProbabilities: true, entity: { index: value, ids: neuronIds } };
  }
  if (model.functionName !== "regression") throw new NotCompilable(`NeuralNetwork ${model.functionName}`);
  if (outputs.length !== 1) throw new NotCompilable("regression NeuralNetwork with several NeuralOutputs for its target");
  const { expr, neuron } = outputs[0];
  const y = _`${vals}[${slotOf(neuron)}]`;
  let result: Code;
  if (expr.kind === "fieldRef") result = y;
  else if (expr.kind === "normContinuous") result = _`${denormalizeHelper(expr, ctx)}(${y})`;
  else throw new NotCompilable(`regression NeuralOutput through ${expr.kind}`);
  const body = _`${head}
let ${value} = NaN;
if (!${missing}) {
${join(statements, "\n")}
${value} = ${result};
}`;
  return { body, value, kind: "number" };
}

/** Each NeuralOutput for the target, a FieldRef to a DerivedField replaced by that field's expression. */
function targetOutputs(model: NeuralNetwork, ctx: KernelContext, target: TargetFacts): { expr: Expr; neuron: string }[] {
  const out: { expr: Expr; neuron: string }[] = [];
  for (const output of model.outputs) {
    let expr = output.expr;
    if (expr.kind === "fieldRef") {
      const name = expr.field;
      const derived = model.localTransformations.find((f) => f.name === name) ?? ctx.pipeline.transformations.find((f) => f.name === name);
      if (derived) expr = derived.expr;
    }
    const field = expr.kind === "fieldRef" || expr.kind === "normContinuous" || expr.kind === "normDiscrete" ? expr.field : undefined;
    if (field === undefined) throw new NotCompilable(`NeuralOutput through ${expr.kind}`);
    if (target.name === null || field === target.name) out.push({ expr, neuron: output.outputNeuron });
  }
  return out;
}

function activate(fn: Exclude<ActivationFunction, "radialBasis">, z: Code, threshold: number, leakage: number | undefined, exp: Name): Code {
  switch (fn) {
    case "threshold": return _`(${z} > ${threshold} ? 1 : 0)`;
    case "logistic": return _`1 / (1 + ${exp}(-${z}))`;
    case "tanh": return _`Math.tanh(${z})`;
    case "identity": return z;
    case "exponential": return _`${exp}(${z})`;
    case "reciprocal": return _`1 / ${z}`;
    case "square": return _`${z} * ${z}`;
    case "Gauss": return _`${exp}(-(${z} * ${z}))`;
    case "sine": return _`Math.sin(${z})`;
    case "cosine": return _`Math.cos(${z})`;
    case "Elliott": return _`${z} / (1 + Math.abs(${z}))`;
    case "arctan": return _`(2 * Math.atan(${z})) / Math.PI`;
    case "rectifier": return leakage === undefined ? _`Math.max(${z}, 0)` : _`(${z} > 0 ? ${z} : ${z} * ${leakage})`;
  }
}

/** The layer normalisation in place; like the interpreter, no division when the sum is exactly 1. */
function normalize(method: NeuralNormalization, vals: Name, base: number, U: number, exp: Name): Code {
  if (method === "none" || U === 0) return _``;
  const end = base + U;
  const softmax = method === "softmax"
    ? _`{ let mx = ${vals}[${base}]; for (let u = ${base}; u < ${end}; u++) if (${vals}[u] > mx) mx = ${vals}[u]; for (let u = ${base}; u < ${end}; u++) ${vals}[u] = ${exp}(${vals}[u] - mx); }`
    : _``;
  return _`${softmax}
{ let sum = ${vals}[${base}]; for (let u = ${base + 1}; u < ${end}; u++) sum += ${vals}[u]; if (sum !== 1) for (let u = ${base}; u < ${end}; u++) ${vals}[u] /= sum; }`;
}

/** The interpreter's denormalize: the inverse NormContinuous, choosing the segment in norm space. */
function denormalizeHelper(expr: NormContinuousExpr, ctx: KernelContext): Name {
  if (expr.points.length < 2) throw new NotCompilable("NormContinuous with fewer than two LinearNorms");
  const pts = ctx.pool.add(Float64Array.from(expr.points.flatMap((p) => [p.orig, p.norm])), "norm");
  const fn = ctx.names.name("denormalize");
  ctx.declare(_`function ${fn}(y) {
  const m = ${expr.points.length};
  let s = 0, e = m - 1;
  for (let k = 1; k < m - 1; k++) {
    if (y >= ${pts}[2 * k + 1]) s = k;
    else if (y <= ${pts}[2 * k + 1]) { e = k; break; }
  }
  return ((y - ${pts}[2 * s + 1]) / (${pts}[2 * e + 1] - ${pts}[2 * s + 1])) * (${pts}[2 * e] - ${pts}[2 * s]) + ${pts}[2 * s];
}`);
  return fn;
}


