/**
 * The families as WGSL compute shaders, one source per job with its sizes baked in as constants
 * (the shader compiler unrolls and folds what it knows). Every shader has one invocation per
 * output element, `out[row * OUTPUTS + j]`, and the same bindings:
 *   0: x, the input matrix [n × WIDTH] f32 · 1: p, the job's parameters f32 · 2: q, its indices i32
 *   3: out [n × OUTPUTS] f32, whose length bounds the invocations.
 * Pure functions of the job: unit-tested without a GPU (wgsl.test.ts).
 */
import type { ClusteringJob, DenseLayer, ForestJob, RegressionJob } from "./plan.ts";
import { TREE_BLOCK } from "./engine.ts";

export const WORKGROUP = 64;

/** A shader and the parameter arrays it reads. */
export interface ShaderJob {
  readonly source: string;
  readonly params: Float32Array;
  readonly indices: Int32Array;
  readonly outputs: number;
}

/** A WGSL f32 literal (finite: the plan's numbers are). */
export function f32(v: number): string {
  if (!Number.isFinite(v)) throw new RangeError(`not a finite WGSL literal: ${v}`);
  const s = String(Math.fround(v));
  return /[.e]/.test(s) ? `${s}f` : `${s}.0f`;
}

function header(outputs: number): string {
  return `@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> p: array<f32>;
@group(0) @binding(2) var<storage, read> q: array<i32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;
const OUTPUTS: u32 = ${outputs}u;

@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = gid.x + gid.y * groups.x * ${WORKGROUP}u;
  if (i >= arrayLength(&out)) { return; }
  let row = i / OUTPUTS;
  let j = i % OUTPUTS;
`;
}

/** x^e for a whole e, by multiplication: WGSL's pow is undefined for a negative base. */
function power(v: string, e: number): string {
  if (e === 0) return "1.0f";
  const product = new Array(Math.abs(e)).fill(v).join(" * ");
  return e < 0 ? `(1.0f / (${product}))` : `(${product})`;
}

/** Σ coefficient·x^exponent + intercept per table: p = [coefficients (tables × terms), intercepts]. */
export function regressionShader(job: RegressionJob, width: number): ShaderJob {
  const tables = job.coefficients.length,
    terms = job.terms.length;
  const body = job.terms.map((t, k) => `  s = s + p[j * ${terms}u + ${k}u] * ${power(`x[row * ${width}u + ${t.column}u]`, t.exponent)};`).join("\n");
  return {
    source: `${header(tables)}  var s = 0.0f;\n${body}\n  out[i] = s + p[${tables * terms}u + j];\n}\n`,
    params: Float32Array.from([...job.coefficients.flat(), ...job.intercepts]),
    indices: new Int32Array(1),
    outputs: tables,
  };
}

/** The activation of z as WGSL (ACTIVATIONS' functions, as the interpreter writes them). */
export function activationWgsl(layer: Pick<DenseLayer, "activation" | "threshold" | "leakage">): string {
  switch (layer.activation) {
    case "identity":
      return "z";
    case "logistic":
      return "1.0f / (1.0f + exp(-z))";
    case "tanh":
      return "tanh(z)";
    case "rectifier":
      return Number.isNaN(layer.leakage) ? "max(z, 0.0f)" : `select(z * ${f32(layer.leakage)}, z, z > 0.0f)`;
    case "exponential":
      return "exp(z)";
    case "reciprocal":
      return "1.0f / z";
    case "square":
      return "z * z";
    case "Gauss":
      return "exp(-(z * z))";
    case "sine":
      return "sin(z)";
    case "cosine":
      return "cos(z)";
    case "Elliott":
      return "z / (1.0f + abs(z))";
    case "arctan":
      return "2.0f * atan(z) / 3.14159265358979f";
    case "threshold":
      return `select(0.0f, 1.0f, z > ${f32(layer.threshold)})`;
  }
}

/** One dense layer: x is the previous layer's [n × inputs]; p = [weights (neurons × inputs), bias]. */
export function layerShader(layer: DenseLayer): ShaderJob {
  const { inputs, neurons } = layer;
  return {
    source: `${header(neurons)}  var z = 0.0f;
  for (var k = 0u; k < ${inputs}u; k = k + 1u) {
    z = z + p[j * ${inputs}u + k] * x[row * ${inputs}u + k];
  }
  z = z + p[${neurons * inputs}u + j];
  out[i] = ${activationWgsl(layer)};
}
`,
    params: Float32Array.from([...layer.weights, ...layer.bias]),
    indices: new Int32Array(1),
    outputs: neurons,
  };
}

/** Σ weight·|x − center|^inner, then ^(1/outer): p = [centers (clusters × fields), weights]; q = the fields' columns. */
export function distanceShader(job: ClusteringJob, width: number): ShaderJob {
  const clusters = job.plan.clusters.length,
    fields = job.columns.length;
  const term = job.inner === 1 ? "d" : job.inner === 2 ? "d * d" : `pow(d, ${f32(job.inner)})`;
  const outer = job.outer === 1 ? "s" : job.outer === 0 ? "exp(s)" : job.outer === 2 ? "sqrt(s)" : `pow(s, ${f32(1 / job.outer)})`;
  return {
    source: `${header(clusters)}  var s = 0.0f;
  for (var k = 0u; k < ${fields}u; k = k + 1u) {
    let d = abs(x[row * ${width}u + u32(q[k])] - p[j * ${fields}u + k]);
    s = s + p[${clusters * fields}u + k] * ${term};
  }
  out[i] = ${outer};
}
`,
    params: Float32Array.from([...job.centers, ...job.weights]),
    indices: Int32Array.from(job.columns),
    outputs: clusters,
  };
}

/**
 * The node table as one index array q = [roots, columns of the fields, then per node: feature, op, left, right]
 * and p = [thresholds, leaf scores]. `sums`: one invocation per row × block of TREE_BLOCK trees
 * adds the block's leaf scores; else one per row × tree returns the leaf.
 */
export function forestShader(job: ForestJob, width: number, sums: boolean, scores?: Float32Array): ShaderJob {
  const t = job.table;
  const trees = job.trees.length,
    nodes = t.left.length,
    fields = job.columns.length;
  const indices = new Int32Array(trees + fields + nodes * 4);
  indices.set(t.roots, 0);
  indices.set(job.columns, trees);
  const base = trees + fields;
  for (let k = 0; k < nodes; k++) {
    indices[base + k * 4] = t.feature[k]!;
    indices[base + k * 4 + 1] = t.op[k]!;
    indices[base + k * 4 + 2] = t.left[k]!;
    indices[base + k * 4 + 3] = t.right[k]!;
  }
  const params = new Float32Array(nodes * 2);
  params.set(t.threshold, 0);
  if (scores) params.set(scores, nodes);
  const walk = `fn leaf(row: u32, tree: u32) -> i32 {
  var node = q[tree];
  for (var s = 0u; s < ${job.depth}u; s = s + 1u) {
    let at = ${base}u + u32(node) * 4u;
    let l = q[at + 2u];
    if (l < 0) { break; }
    let v = x[row * ${width}u + u32(q[${trees}u + u32(q[at])])];
    let th = p[u32(node)];
    let o = q[at + 1u];
    var left = false;
    switch o {
      case 0: { left = v <= th; }
      case 1: { left = v < th; }
      case 2: { left = v >= th; }
      case 3: { left = v > th; }
      case 4: { left = v == th; }
      default: { left = v != th; }
    }
    node = select(q[at + 3u], l, left);
  }
  return node;
}
`;
  const outputs = sums ? Math.ceil(trees / TREE_BLOCK) : trees;
  const body = sums
    ? `  var s = 0.0f;
  for (var b = 0u; b < ${TREE_BLOCK}u; b = b + 1u) {
    let tree = j * ${TREE_BLOCK}u + b;
    if (tree >= ${trees}u) { break; }
    s = s + p[${nodes}u + u32(leaf(row, tree))];
  }
  out[i] = s;
}
`
    : `  out[i] = f32(leaf(row, j));
}
`;
  return { source: `${walk}${header(outputs)}${body}`, params, indices, outputs };
}
