import type {
  ActivationFunction,
  LinearNorm,
  NeuralLayerPlan,
  NeuralNetwork,
  NeuralNetworkPlan,
  NeuralNormalization,
  NeuralOutputPlan,
  Value,
} from "@porta/ir";
import { lowerNeuralNetwork } from "@porta/ir";
import { _, join, type Code, type Name } from "../codegen.ts";
import { MISSING_CODE } from "../columns.ts";
import { declareLocals, type FamilyRow, type KernelContext } from "../kernel.ts";
import type { TargetFacts } from "../targets.ts";
import { NotCompilable } from "../unsupported.ts";
import { planOrRefuse } from "./plan.ts";

/**
 * Rows per block of the blocked network: every slot's values for a block (slots × 64 × 8 bytes,
 * 75 KB for 50 inputs and layers of 64 and 32) stay in L1/L2 while each neuron streams the rows of
 * the slots it reads.
 */
const NEURAL_BLOCK_ROWS = 64;

/**
 * NeuralNetwork as the interpreter's evaluateNeurons. Each neuron's sum runs over its connections
 * in document order, + bias when given, then the activation and the layer's normalisation; exp is
 * the interpreter's correctly rounded one. When no input can record a row error, the network runs
 * ahead of the row loop over blocks of rows (`blockedNetwork`); otherwise row by row (`rowNetwork`),
 * where an input's evaluation stops at the first missing one as the interpreter's.
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
  const inputs = network.inputs.map((input) => {
    const x = ctx.expression(input.expr);
    return { at: input.dataType === "float" ? _`Math.fround(${x.at})` : x.at, fallible: x.fallible };
  });
  const layers = network.layers.map((layer) => layerTables(layer, ctx));
  if (inputs.some((x) => x.fallible)) return rowNetwork(plan, inputs, layers, ctx);
  return blockedNetwork(plan, inputs, layers, ctx);
}

/** A layer's connections as typed tables (CSR: neuron u reads from[starts[u]..starts[u + 1])). */
interface LayerTables {
  layer: NeuralLayerPlan;
  starts: Name;
  from: Name;
  weights: Name;
  bias: Name;
  width?: Name;
  altitude?: Name;
}

function layerTables(layer: NeuralLayerPlan, ctx: KernelContext): LayerTables {
  const U = layer.neurons.length;
  const starts = new Int32Array(U + 1);
  const from: number[] = [];
  const weights: number[] = [];
  layer.neurons.forEach((neuron, u) => {
    from.push(...neuron.from);
    weights.push(...neuron.weights);
    starts[u + 1] = from.length;
  });
  const tables: LayerTables = {
    layer,
    starts: ctx.pool.add(starts, "cons"),
    from: ctx.pool.add(Int32Array.from(from), "from"),
    weights: ctx.pool.add(Float64Array.from(weights), "w"),
    bias: ctx.pool.add(
      Float64Array.from(layer.neurons, (n) => n.bias ?? NaN),
      "bias",
    ),
  };
  if (layer.activation === "radialBasis") {
    tables.width = ctx.pool.add(
      Float64Array.from(layer.neurons, (n) => n.width),
      "width",
    );
    tables.altitude = ctx.pool.add(
      Float64Array.from(layer.neurons, (n) => n.altitude),
      "altitude",
    );
  }
  return tables;
}

type Input = { at: Code; fallible: boolean };

/**
 * Row by row: every input and neuron has a slot in one module-level Float64Array (reused by every
 * row); each layer is a loop over its tables.
 */
function rowNetwork(plan: NeuralNetworkPlan, inputs: Input[], layers: LayerTables[], ctx: KernelContext): FamilyRow {
  const network = plan.network;
  const exp = ctx.helper("exp");
  const vals = ctx.names.name("neurons");
  const statements: Code[] = [];
  const ok = ctx.names.name("ok");
  const inputCode = inputs.map((x, k) => {
    const set = _`${vals}[${k}] = ${x.at};`;
    // The interpreter stops at the first missing input: later ones (whose evaluation may fail)
    // are evaluated only while all before them are present.
    const present = _`${ok} = ${vals}[${k}] === ${vals}[${k}];`;
    return k === 0 ? _`let ${ok}; ${set} ${present}` : _`if (${ok}) { ${set} ${present} } else ${vals}[${k}] = NaN;`;
  });
  for (const t of layers) {
    const { layer, starts: cs, from: fr, weights: w, bias } = t;
    const base = layer.base;
    const U = layer.neurons.length;
    if (layer.activation === "radialBasis") {
      statements.push(_`for (let u = 0; u < ${U}; u++) {
  let z = 0; const e = ${cs}[u + 1];
  for (let c = ${cs}[u]; c < e; c++) { const d = ${vals}[${fr}[c]] - ${w}[c]; z += d * d; }
  const width = ${t.width}[u]; z /= width * width * -2;
  if (${t.altitude}[u] !== 1) z += Math.log(${t.altitude}[u]) * (e - ${cs}[u]);
  ${vals}[${base} + u] = ${exp}(z);
}`);
    } else {
      const act = activate(layer.activation, _`z`, layer.threshold, layer.leakage, exp);
      statements.push(_`for (let u = 0; u < ${U}; u++) {
  let z = 0; const e = ${cs}[u + 1];
  for (let c = ${cs}[u]; c < e; c++) z += ${w}[c] * ${vals}[${fr}[c]];
  const b = ${bias}[u]; if (b === b) z += b;
  ${vals}[${base} + u] = ${act};
}`);
    }
    statements.push(normalize(layer.normalization, (u) => _`${vals}[${u}]`, base, U, exp));
  }
  ctx.declare(_`const ${vals} = new Float64Array(${Math.max(network.ids.length, 1)});`);
  const missing = ctx.names.name("miss");
  const present = inputs.length
    ? join(
        inputs.map((_i, k) => _`${vals}[${k}] === ${vals}[${k}]`),
        " && ",
      )
    : _`true`;
  const head = _`${join(inputCode, "\n")}
const ${missing} = !(${present});`;
  return outputRow(plan.output, { head, missing, layers: join(statements, "\n"), slot: (k) => _`${vals}[${k}]` }, ctx);
}

/**
 * Ahead of the row loop, over blocks of NEURAL_BLOCK_ROWS rows: a slot-major scratch (slot k of
 * block row r at k × B + r) holds every input and neuron; each neuron's sum is accumulated across
 * the block one connection at a time (a scaled row added to a row: contiguous memory, one weight
 * per pass), so each row still sums its connections in document order. Output slots are copied to
 * batch arrays the row loop reads; a row with a missing input is computed and then ignored, as
 * nothing in a layer records an error.
 */
function blockedNetwork(plan: NeuralNetworkPlan, inputs: Input[], layers: LayerTables[], ctx: KernelContext): FamilyRow {
  const network = plan.network;
  const B = NEURAL_BLOCK_ROWS;
  const exp = ctx.helper("exp");
  const slots = ctx.names.name("slots");
  ctx.declare(_`const ${slots} = new Float64Array(${Math.max(network.ids.length, 1) * B});`);
  const outSlots = outputSlots(plan.output);
  const missingRows = ctx.names.name("missing");
  const outArrays = outSlots.map(() => ctx.names.name("neuron"));
  ctx.declare(_`let ${join([missingRows, ...outArrays], ", ")};`);
  const s = ctx.names.name("s");
  const e = ctx.names.name("e");
  const len = ctx.names.name("len");
  // Inputs, one input at a time over the block's rows, in functions of at most 64 inputs (generated
  // functions stay small enough for V8 to optimise).
  const fills: Code[] = [];
  for (let from = 0; from < inputs.length; from += 64) {
    const fill = ctx.names.name("fillInputs");
    const loops = inputs.slice(from, from + 64).map((x, j) => {
      const at = (from + j) * B;
      return _`for (let i = ${s}, r = ${at}; i < ${e}; i++, r++) { const v = ${x.at}; ${slots}[r] = v; if (v !== v) ${missingRows}[i] = 1; }`;
    });
    ctx.declare(_`function ${fill}(${s}, ${e}) {
${join(loops, "\n")}
}`);
    fills.push(_`${fill}(${s}, ${e});`);
  }
  const layerCode = layers.map((t) => {
    const { layer, starts: cs, from: fr, weights: w, bias } = t;
    const U = layer.neurons.length;
    const norm = normalize(layer.normalization, (u) => _`${slots}[${u} * ${B} + r]`, layer.base, U, exp);
    const normalized = norm.text === "" ? _`` : _`for (let r = 0; r < ${len}; r++) { ${norm} }`;
    if (layer.activation !== "radialBasis" && isDense(layer))
      return _`${denseLayer(layer, layer.activation, slots, len, ctx)}
${normalized}`;
    const sum =
      layer.activation === "radialBasis"
        ? _`for (let c = ${cs}[u]; c < ce; c++) { const wc = ${w}[c], src = ${fr}[c] * ${B}; for (let r = 0; r < ${len}; r++) { const d = ${slots}[src + r] - wc; ${slots}[dst + r] += d * d; } }
  const width = ${t.width}[u], alt = ${t.altitude}[u], count = ce - ${cs}[u];
  for (let r = dst; r < dst + ${len}; r++) { let z = ${slots}[r] / (width * width * -2); if (alt !== 1) z += Math.log(alt) * count; ${slots}[r] = ${exp}(z); }`
        : _`for (let c = ${cs}[u]; c < ce; c++) { const wc = ${w}[c], src = ${fr}[c] * ${B}; for (let r = 0; r < ${len}; r++) ${slots}[dst + r] += wc * ${slots}[src + r]; }
  const b = ${bias}[u]; if (b === b) for (let r = dst; r < dst + ${len}; r++) ${slots}[r] += b;
  for (let r = dst; r < dst + ${len}; r++) { const z = ${slots}[r]; ${slots}[r] = ${activate(layer.activation, _`z`, layer.threshold, layer.leakage, exp)}; }`;
    return _`for (let u = 0; u < ${U}; u++) {
  const dst = (${layer.base} + u) * ${B}, ce = ${cs}[u + 1];
  ${slots}.fill(0, dst, dst + ${len});
  ${sum}
}
${normalized}`;
  });
  const copies = outSlots.map((slot, k) => _`${outArrays[k]}.set(${slots}.subarray(${slot * B}, ${slot * B} + ${len}), ${s});`);
  const run = ctx.names.name("network");
  ctx.declare(_`function ${run}(n) {
if (${missingRows} === undefined || ${missingRows}.length < n) { ${missingRows} = new Uint8Array(n); ${join(
    outArrays.map((a) => _`${a} = new Float64Array(n);`),
    " ",
  )} }
${missingRows}.fill(0, 0, n);
for (let ${s} = 0; ${s} < n; ${s} += ${B}) {
const ${e} = Math.min(n, ${s} + ${B}), ${len} = ${e} - ${s};
${join(fills, "\n")}
${join(layerCode, "\n")}
${join(copies, "\n")}
}
}`);
  const missing = ctx.names.name("miss");
  return {
    ...outputRow(
      plan.output,
      { head: _`const ${missing} = ${missingRows}[i] === 1;`, missing, layers: _``, slot: (k) => _`${outArrays[outSlots.indexOf(k)]}[i]` },
      ctx,
    ),
    prepass: _`${run}(n);`,
  };
}

/**
 * A fully connected layer (of weighted sums, not radialBasis): every neuron reads the same slots in the same order, all of earlier
 * layers (none of its own layer, whose values the layer is still computing), and sums weights.
 */
function isDense(layer: NeuralLayerPlan): boolean {
  if (layer.neurons.length === 0) return false;
  const first = layer.neurons[0].from;
  return first.every((slot) => slot < layer.base) && layer.neurons.every((n) => n.from.length === first.length && n.from.every((slot, c) => slot === first[c]));
}

/**
 * A dense layer over a block as register tiles of 4 neurons × 2 rows: each step over a
 * connection loads two rows of its slot and four weights (the weights transposed, connection-major)
 * for eight products, where a neuron-at-a-time pass loads and stores its sum for every product
 * (3-4× faster here). Each row and neuron still sums from 0 in connection order, then adds the bias.
 * Rows come in pairs: the odd block's last pair computes one row past `len` inside the scratch
 * (B is even), which nothing reads.
 */
function denseLayer(layer: NeuralLayerPlan, activation: Exclude<ActivationFunction, "radialBasis">, slots: Name, len: Name, ctx: KernelContext): Code {
  const B = NEURAL_BLOCK_ROWS;
  const U = layer.neurons.length;
  const from = layer.neurons[0].from;
  const K = from.length;
  const transposed = new Float64Array(K * U);
  layer.neurons.forEach((n, u) => n.weights.forEach((w, c) => (transposed[c * U + u] = w)));
  const wt = ctx.pool.add(transposed, "wt");
  const offsets = ctx.pool.add(
    Int32Array.from(from, (slot) => slot * B),
    "rows",
  );
  const bias = ctx.pool.add(
    Float64Array.from(layer.neurons, (n) => n.bias ?? NaN),
    "bias",
  );
  const dst = (u: Code, du: number, dr: number): Code => _`${slots}[(${layer.base} + ${u} + ${du}) * ${B} + r + ${dr}]`;
  const tiled = U - (U % 4);
  const exp = ctx.helper("exp");
  return _`for (let u = 0; u < ${tiled}; u += 4) for (let r = 0; r < ${len}; r += 2) {
  let z00 = 0, z01 = 0, z10 = 0, z11 = 0, z20 = 0, z21 = 0, z30 = 0, z31 = 0;
  for (let c = 0; c < ${K}; c++) {
    const src = ${offsets}[c] + r, a0 = ${slots}[src], a1 = ${slots}[src + 1], wb = c * ${U} + u;
    const w0 = ${wt}[wb], w1 = ${wt}[wb + 1], w2 = ${wt}[wb + 2], w3 = ${wt}[wb + 3];
    z00 += w0 * a0; z01 += w0 * a1; z10 += w1 * a0; z11 += w1 * a1; z20 += w2 * a0; z21 += w2 * a1; z30 += w3 * a0; z31 += w3 * a1;
  }
  ${dst(_`u`, 0, 0)} = z00; ${dst(_`u`, 0, 1)} = z01; ${dst(_`u`, 1, 0)} = z10; ${dst(_`u`, 1, 1)} = z11;
  ${dst(_`u`, 2, 0)} = z20; ${dst(_`u`, 2, 1)} = z21; ${dst(_`u`, 3, 0)} = z30; ${dst(_`u`, 3, 1)} = z31;
}
for (let u = ${tiled}; u < ${U}; u++) for (let r = 0; r < ${len}; r++) {
  let z = 0;
  for (let c = 0; c < ${K}; c++) z += ${wt}[c * ${U} + u] * ${slots}[${offsets}[c] + r];
  ${dst(_`u`, 0, 0)} = z;
}
for (let u = 0; u < ${U}; u++) {
  const b = ${bias}[u], dst = (${layer.base} + u) * ${B};
  for (let r = dst; r < dst + ${len}; r++) { let z = ${slots}[r]; if (b === b) z += b; ${slots}[r] = ${activate(activation, _`z`, layer.threshold, layer.leakage, exp)}; }
}`;
}

/** The slots the output rule reads, each once. */
function outputSlots(output: NeuralOutputPlan): number[] {
  const slots = output.kind === "classification" ? output.outputs.map((o) => o.slot) : [output.slot];
  return [...new Set(slots)];
}

/** How a row's network is read: `head` sets `missing`; `layers` (run when nothing is missing) fills the slots `slot` reads. */
interface NetworkRow {
  head: Code;
  missing: Name;
  layers: Code;
  slot(k: number): Code;
}

/** The output rule over a row's network: the argmax of the output neurons, or the (denormalised) output neuron. */
function outputRow(output: NeuralOutputPlan, row: NetworkRow, ctx: KernelContext): FamilyRow {
  const value = ctx.names.name("value");
  if (output.kind === "classification") {
    const categories: Value[] = [];
    for (const { category } of output.outputs) {
      // The interpreter's probabilities keep one entry per category: two outputs for one are left to it.
      if (categories.includes(category)) throw new NotCompilable("two NeuralOutputs for one category");
      categories.push(category);
    }
    const probabilities = categories.map(() => ctx.names.name("p"));
    const best = ctx.names.name("best");
    const body = _`${row.head}
let ${value} = ${MISSING_CODE}; ${declareLocals(probabilities)}
if (!${row.missing}) {
${row.layers}
let ${best} = -Infinity;
${join(
  output.outputs.map(
    (o, k) => _`${probabilities[k]} = ${row.slot(o.slot)}; if (${probabilities[k]} > ${best}) { ${best} = ${probabilities[k]}; ${value} = ${k}; }`,
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
  const y = row.slot(output.slot);
  const result = output.denormalize === undefined ? y : _`${denormalizeHelper(output.denormalize, ctx)}(${y})`;
  const body = _`${row.head}
let ${value} = NaN;
if (!${row.missing}) {
${row.layers}
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

/** The layer normalisation in place (`at(slot)`: a slot of the row); like the interpreter, no division when the sum is exactly 1. */
function normalize(method: NeuralNormalization, at: (slot: Code) => Code, base: number, U: number, exp: Name): Code {
  if (method === "none" || U === 0) return _``;
  const end = base + U;
  const v = at(_`u`);
  const softmax =
    method === "softmax"
      ? _`{ let mx = ${at(_`${base}`)}; for (let u = ${base}; u < ${end}; u++) if (${v} > mx) mx = ${v}; for (let u = ${base}; u < ${end}; u++) ${v} = ${exp}(${v} - mx); }`
      : _``;
  return _`${softmax}
{ let sum = ${at(_`${base}`)}; for (let u = ${base + 1}; u < ${end}; u++) sum += ${v}; if (sum !== 1) for (let u = ${base}; u < ${end}; u++) ${v} /= sum; }`;
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
