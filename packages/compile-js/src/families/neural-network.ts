import type { ActivationFunction, LinearNorm, NeuralNetwork, NeuralNormalization, Value } from "@porta/ir";
import { lowerNeuralNetwork } from "@porta/ir";
import { _, join, type Code, type Name } from "../codegen.ts";
import { MISSING_CODE } from "../columns.ts";
import { declareLocals, type FamilyRow, type KernelContext } from "../kernel.ts";
import type { TargetFacts } from "../targets.ts";
import { NotCompilable } from "../unsupported.ts";
import { planOrRefuse } from "./plan.ts";

/**
 * NeuralNetwork as the interpreter's evaluateNeurons: every input and neuron has a slot in one
 * module-level Float64Array (reused by every row); each layer is a loop over typed tables of
 * connections, summed in document order, + bias when given, then the activation and the
 * layer's normalisation in place. exp is the interpreter's correctly rounded one.
 */
export function compileNeuralNetwork(model: NeuralNetwork, ctx: KernelContext, target: TargetFacts): FamilyRow {
  const plan = planOrRefuse("NeuralNetwork", () =>
    lowerNeuralNetwork(model, {
      name: target.name,
      category: (text) => target.category(text),
      derived: (name) => ctx.pipeline.transformations.find((f) => f.name === name)?.expr,
    }),
  );
  const network = plan.network;
  for (const input of network.inputs) {
    if (input.dataType !== "double" && input.dataType !== "float") throw new NotCompilable(`NeuralInput of dataType ${input.dataType}`);
  }
  const exp = ctx.helper("exp");
  const vals = ctx.names.name("neurons");
  const statements: Code[] = [];
  const ok = ctx.names.name("ok");
  const inputCode = network.inputs.map((input, k) => {
    const x = ctx.expr(input.expr);
    const set = _`${vals}[${k}] = ${input.dataType === "float" ? _`Math.fround(${x})` : x};`;
    // The interpreter stops at the first missing input: later ones (whose evaluation may fail)
    // are evaluated only while all before them are present.
    const present = _`${ok} = ${vals}[${k}] === ${vals}[${k}];`;
    return k === 0 ? _`let ${ok}; ${set} ${present}` : _`if (${ok}) { ${set} ${present} } else ${vals}[${k}] = NaN;`;
  });
  for (const layer of network.layers) {
    const base = layer.base;
    const U = layer.neurons.length;
    const starts = new Int32Array(U + 1);
    const from: number[] = [];
    const weights: number[] = [];
    layer.neurons.forEach((neuron, u) => {
      from.push(...neuron.from);
      weights.push(...neuron.weights);
      starts[u + 1] = from.length;
    });
    const cs = ctx.pool.add(starts, "cons");
    const fr = ctx.pool.add(Int32Array.from(from), "from");
    const w = ctx.pool.add(Float64Array.from(weights), "w");
    if (layer.activation === "radialBasis") {
      const wd = ctx.pool.add(
        Float64Array.from(layer.neurons, (n) => n.width),
        "width",
      );
      const al = ctx.pool.add(
        Float64Array.from(layer.neurons, (n) => n.altitude),
        "altitude",
      );
      statements.push(_`for (let u = 0; u < ${U}; u++) {
  let z = 0; const e = ${cs}[u + 1];
  for (let c = ${cs}[u]; c < e; c++) { const d = ${vals}[${fr}[c]] - ${w}[c]; z += d * d; }
  const width = ${wd}[u]; z /= width * width * -2;
  if (${al}[u] !== 1) z += Math.log(${al}[u]) * (e - ${cs}[u]);
  ${vals}[${base} + u] = ${exp}(z);
}`);
    } else {
      const bias = ctx.pool.add(
        Float64Array.from(layer.neurons, (n) => n.bias ?? NaN),
        "bias",
      );
      const act = activate(layer.activation, _`z`, layer.threshold, layer.leakage, exp);
      statements.push(_`for (let u = 0; u < ${U}; u++) {
  let z = 0; const e = ${cs}[u + 1];
  for (let c = ${cs}[u]; c < e; c++) z += ${w}[c] * ${vals}[${fr}[c]];
  const b = ${bias}[u]; if (b === b) z += b;
  ${vals}[${base} + u] = ${act};
}`);
    }
    statements.push(normalize(layer.normalization, vals, base, U, exp));
  }
  ctx.declare(_`const ${vals} = new Float64Array(${Math.max(network.ids.length, 1)});`);
  const missing = ctx.names.name("miss");
  const present = network.inputs.length
    ? join(
        network.inputs.map((_i, k) => _`${vals}[${k}] === ${vals}[${k}]`),
        " && ",
      )
    : _`true`;
  const head = _`${join(inputCode, "\n")}
const ${missing} = !(${present});`;
  const value = ctx.names.name("value");
  const output = plan.output;
  if (output.kind === "classification") {
    const categories: Value[] = [];
    for (const { category } of output.outputs) {
      // The interpreter's probabilities keep one entry per category: two outputs for one are left to it.
      if (categories.includes(category)) throw new NotCompilable("two NeuralOutputs for one category");
      categories.push(category);
    }
    const probabilities = categories.map(() => ctx.names.name("p"));
    const best = ctx.names.name("best");
    const body = _`${head}
let ${value} = ${MISSING_CODE}; ${declareLocals(probabilities)}
if (!${missing}) {
${join(statements, "\n")}
let ${best} = -Infinity;
${join(
  output.outputs.map(
    (o, k) => _`${probabilities[k]} = ${vals}[${o.slot}]; if (${probabilities[k]} > ${best}) { ${best} = ${probabilities[k]}; ${value} = ${k}; }`,
  ),
  "\n",
)}
}`;
    // entityId: the winning output neuron, by category position.
    return {
      body,
      value,
      kind: "category",
      categories,
      probabilities,
      staticProbabilities: true,
      entity: { index: value, ids: output.outputs.map((o) => o.neuron) },
    };
  }
  const y = _`${vals}[${output.slot}]`;
  const result = output.denormalize === undefined ? y : _`${denormalizeHelper(output.denormalize, ctx)}(${y})`;
  const body = _`${head}
let ${value} = NaN;
if (!${missing}) {
${join(statements, "\n")}
${value} = ${result};
}`;
  return { body, value, kind: "number" };
}

function activate(fn: Exclude<ActivationFunction, "radialBasis">, z: Code, threshold: number, leakage: number | undefined, exp: Name): Code {
  switch (fn) {
    case "threshold":
      return _`(${z} > ${threshold} ? 1 : 0)`;
    case "logistic":
      return _`1 / (1 + ${exp}(-${z}))`;
    case "tanh":
      return _`Math.tanh(${z})`;
    case "identity":
      return z;
    case "exponential":
      return _`${exp}(${z})`;
    case "reciprocal":
      return _`1 / ${z}`;
    case "square":
      return _`${z} * ${z}`;
    case "Gauss":
      return _`${exp}(-(${z} * ${z}))`;
    case "sine":
      return _`Math.sin(${z})`;
    case "cosine":
      return _`Math.cos(${z})`;
    case "Elliott":
      return _`${z} / (1 + Math.abs(${z}))`;
    case "arctan":
      return _`(2 * Math.atan(${z})) / Math.PI`;
    case "rectifier":
      return leakage === undefined ? _`Math.max(${z}, 0)` : _`(${z} > 0 ? ${z} : ${z} * ${leakage})`;
  }
}

/** The layer normalisation in place; like the interpreter, no division when the sum is exactly 1. */
function normalize(method: NeuralNormalization, vals: Name, base: number, U: number, exp: Name): Code {
  if (method === "none" || U === 0) return _``;
  const end = base + U;
  const softmax =
    method === "softmax"
      ? _`{ let mx = ${vals}[${base}]; for (let u = ${base}; u < ${end}; u++) if (${vals}[u] > mx) mx = ${vals}[u]; for (let u = ${base}; u < ${end}; u++) ${vals}[u] = ${exp}(${vals}[u] - mx); }`
      : _``;
  return _`${softmax}
{ let sum = ${vals}[${base}]; for (let u = ${base + 1}; u < ${end}; u++) sum += ${vals}[u]; if (sum !== 1) for (let u = ${base}; u < ${end}; u++) ${vals}[u] /= sum; }`;
}

/** The interpreter's denormalize: the inverse NormContinuous, choosing the segment in norm space. */
function denormalizeHelper(points: readonly LinearNorm[], ctx: KernelContext): Name {
  const pts = ctx.pool.add(Float64Array.from(points.flatMap((p) => [p.orig, p.norm])), "norm");
  const fn = ctx.names.name("denormalize");
  ctx.declare(_`function ${fn}(y) {
  const m = ${points.length};
  let s = 0, e = m - 1;
  for (let k = 1; k < m - 1; k++) {
    if (y >= ${pts}[2 * k + 1]) s = k;
    else if (y <= ${pts}[2 * k + 1]) { e = k; break; }
  }
  return ((y - ${pts}[2 * s + 1]) / (${pts}[2 * e + 1] - ${pts}[2 * s + 1])) * (${pts}[2 * e] - ${pts}[2 * s]) + ${pts}[2 * s];
}`);
  return fn;
}
