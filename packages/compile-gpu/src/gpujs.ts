/**
 * The families as gpu.js kernels. gpu.js compiles a kernel to WebGL shaders when it has a GL
 * context (in Node: the optional `gl` package, headless-gl) and to plain JavaScript loops
 * otherwise ("cpu" mode): the same kernels run on this project's GPU-less machines and in CI.
 *
 * The kernel sources are strings, not functions: gpu.js parses its kernel's source text, and
 * a function here would reach it as whatever the TypeScript transpiler made of it.
 * Outputs are 2-D [outputs × rows] (thread.x an output, thread.y a row), flattened row-major.
 */
import { createRequire } from "node:module";
import { ACTIVATIONS, type ClusteringJob, type ForestJob, type NeuralJob, type RegressionJob } from "./plan.ts";
import { TREE_BLOCK, sumBlocks, type KernelEngine } from "./engine.ts";

interface GpuJsKernel {
  (...args: unknown[]): Float32Array | Float32Array[];
  setOutput(output: number[]): void;
  destroy?(): void;
}
interface GpuJs {
  readonly mode: string;
  createKernel(source: string, settings: Record<string, unknown>): GpuJsKernel;
  destroy(): void;
}
interface GpuJsModule {
  GPU: (new (settings?: Record<string, unknown>) => GpuJs) & { readonly isHeadlessGLSupported: boolean };
}

const require = createRequire(import.meta.url);
let loaded: GpuJsModule | undefined;

/** gpu.js, loaded on first use. */
export function gpuJs(): GpuJsModule {
  loaded ??= require("gpu.js") as GpuJsModule;
  return loaded;
}

/** Whether gpu.js has a GL context here (headless-gl): otherwise it runs its kernels in CPU mode. */
export function gpuJsHasGpu(): boolean {
  return gpuJs().GPU.isHeadlessGLSupported;
}

const REGRESSION = `function (x, termColumn, termExponent, coef, intercept) {
  const r = this.thread.y;
  const t = this.thread.x;
  let sum = 0;
  for (let k = 0; k < this.constants.terms; k++) {
    const v = x[r * this.constants.width + termColumn[k]];
    const e = termExponent[k];
    let p = 1;
    for (let q = 0; q < this.constants.maxExponent; q++) {
      if (q < Math.abs(e)) {
        p = p * v;
      }
    }
    if (e < 0) {
      p = 1 / p;
    }
    sum = sum + coef[t * this.constants.terms + k] * p;
  }
  return sum + intercept[t];
}`;

/** Activation codes as in ACTIVATIONS (plan.ts). */
const LAYER = `function (a, w, b) {
  const r = this.thread.y;
  const j = this.thread.x;
  let z = 0;
  for (let k = 0; k < this.constants.inputs; k++) {
    z = z + w[j * this.constants.inputs + k] * a[r * this.constants.inputs + k];
  }
  z = z + b[j];
  const f = this.constants.activation;
  let y = z;
  if (f == ${ACTIVATIONS.logistic}) {
    y = 1 / (1 + Math.exp(-z));
  } else if (f == ${ACTIVATIONS.tanh}) {
    y = Math.tanh(z);
  } else if (f == ${ACTIVATIONS.rectifier}) {
    if (z <= 0) {
      if (this.constants.hasLeakage == 1) {
        y = z * this.constants.leakage;
      } else {
        y = 0;
      }
    }
  } else if (f == ${ACTIVATIONS.exponential}) {
    y = Math.exp(z);
  } else if (f == ${ACTIVATIONS.reciprocal}) {
    y = 1 / z;
  } else if (f == ${ACTIVATIONS.square}) {
    y = z * z;
  } else if (f == ${ACTIVATIONS.Gauss}) {
    y = Math.exp(-(z * z));
  } else if (f == ${ACTIVATIONS.sine}) {
    y = Math.sin(z);
  } else if (f == ${ACTIVATIONS.cosine}) {
    y = Math.cos(z);
  } else if (f == ${ACTIVATIONS.Elliott}) {
    y = z / (1 + Math.abs(z));
  } else if (f == ${ACTIVATIONS.arctan}) {
    y = (2 * Math.atan(z)) / Math.PI;
  } else if (f == ${ACTIVATIONS.threshold}) {
    y = 0;
    if (z > this.constants.threshold) {
      y = 1;
    }
  }
  return y;
}`;

const DISTANCE = `function (x, columns, weights, centers) {
  const r = this.thread.y;
  const c = this.thread.x;
  let s = 0;
  for (let k = 0; k < this.constants.fields; k++) {
    const d = Math.abs(x[r * this.constants.width + columns[k]] - centers[c * this.constants.fields + k]);
    let p = d;
    if (this.constants.inner == 2) {
      p = d * d;
    } else if (this.constants.inner != 1) {
      p = Math.pow(d, this.constants.inner);
    }
    s = s + weights[k] * p;
  }
  let out = s;
  if (this.constants.outer == 0) {
    out = Math.exp(s);
  } else if (this.constants.outer == 2) {
    out = Math.sqrt(s);
  } else if (this.constants.outer != 1) {
    out = Math.pow(s, 1 / this.constants.outer);
  }
  return out;
}`;

/** One tree's walk from \`root\`: the split op codes are NODE_TABLE_OPS (≤ < ≥ > = ≠). */
const WALK = `
    for (let s = 0; s < this.constants.depth; s++) {
      const l = left[node];
      if (l >= 0) {
        const v = x[r * this.constants.width + columns[feature[node]]];
        const th = threshold[node];
        const o = op[node];
        let goLeft = 0;
        if (o == 0) {
          if (v <= th) { goLeft = 1; }
        } else if (o == 1) {
          if (v < th) { goLeft = 1; }
        } else if (o == 2) {
          if (v >= th) { goLeft = 1; }
        } else if (o == 3) {
          if (v > th) { goLeft = 1; }
        } else if (o == 4) {
          if (v == th) { goLeft = 1; }
        } else {
          if (v != th) { goLeft = 1; }
        }
        if (goLeft == 1) {
          node = l;
        } else {
          node = right[node];
        }
      }
    }`;

const LEAVES = `function (x, columns, feature, op, threshold, left, right, roots) {
  const r = this.thread.y;
  let node = roots[this.thread.x];
  ${WALK}
  return node;
}`;

const SUMS = `function (x, columns, feature, op, threshold, left, right, roots, scores) {
  const r = this.thread.y;
  let sum = 0;
  for (let q = 0; q < this.constants.block; q++) {
    const t = this.thread.x * this.constants.block + q;
    if (t < this.constants.trees) {
      let node = roots[t];
      ${WALK}
      sum = sum + scores[node];
    }
  }
  return sum;
}`;

/** Row-major [rows × outputs] of a gpu.js 2-D result (an array of rows). */
function flatten(result: Float32Array | Float32Array[], n: number, outputs: number): Float32Array {
  if (!Array.isArray(result)) return result;
  const out = new Float32Array(n * outputs);
  for (let r = 0; r < n; r++) out.set(result[r]!, r * outputs);
  return out;
}

/** The gpu.js engine: one kernel per job and shape, built on first use and kept. */
export class GpuJsEngine implements KernelEngine {
  readonly name: string;
  private readonly gpu: GpuJs;
  private readonly kernels = new Map<string, GpuJsKernel>();
  private readonly arrays = new WeakMap<object, Record<string, Float32Array>>();

  constructor() {
    const { GPU } = gpuJs();
    this.gpu = new GPU();
    this.name = `gpu.js ${this.gpu.mode}`;
  }

  private kernel(key: string, source: string, constants: Record<string, number>, output: [number, number]): GpuJsKernel {
    let k = this.kernels.get(key);
    if (!k) {
      k = this.gpu.createKernel(source, { constants, output, dynamicOutput: true, dynamicArguments: true, tactic: "precision" });
      this.kernels.set(key, k);
    }
    k.setOutput(output);
    return k;
  }

  /** The job's parameter arrays as float32, converted once per job. */
  private params<T extends object>(job: T, make: () => Record<string, Float32Array>): Record<string, Float32Array> {
    let p = this.arrays.get(job);
    if (!p) this.arrays.set(job, (p = make()));
    return p;
  }

  async regression(job: RegressionJob, x: Float32Array, n: number, width: number): Promise<Float32Array> {
    const tables = job.coefficients.length;
    const p = this.params(job, () => ({
      column: Float32Array.from(job.terms, (t) => t.column),
      exponent: Float32Array.from(job.terms, (t) => t.exponent),
      coef: Float32Array.from(job.coefficients.flat()),
      intercept: Float32Array.from(job.intercepts),
    }));
    const maxExponent = Math.max(1, ...job.terms.map((t) => Math.abs(t.exponent)));
    const k = this.kernel(`regression:${width}:${job.terms.length}:${maxExponent}`, REGRESSION, { width, terms: job.terms.length, maxExponent }, [tables, n]);
    // gpu.js cannot take an empty array: a table of intercepts alone still passes one zero term.
    const pad = (a: Float32Array): Float32Array => (a.length > 0 ? a : new Float32Array(1));
    return flatten(k(x, pad(p.column!), pad(p.exponent!), pad(p.coef!), p.intercept!), n, tables);
  }

  async neural(job: NeuralJob, inputs: Float32Array, n: number): Promise<Float32Array[]> {
    const out: Float32Array[] = [];
    let a = inputs;
    for (const [l, layer] of job.layers.entries()) {
      const constants = {
        inputs: layer.inputs,
        activation: ACTIVATIONS[layer.activation],
        threshold: layer.threshold,
        hasLeakage: Number.isNaN(layer.leakage) ? 0 : 1,
        leakage: Number.isNaN(layer.leakage) ? 0 : layer.leakage,
      };
      const k = this.kernel(`layer:${l}:${JSON.stringify(constants)}`, LAYER, constants, [layer.neurons, n]);
      a = flatten(k(a, layer.weights, layer.bias), n, layer.neurons);
      out.push(a);
    }
    return out;
  }

  async distances(job: ClusteringJob, x: Float32Array, n: number, width: number): Promise<Float32Array> {
    const clusters = job.plan.clusters.length;
    const p = this.params(job, () => ({ columns: Float32Array.from(job.columns) }));
    const constants = { width, fields: job.columns.length, inner: job.inner, outer: job.outer };
    const k = this.kernel(`distance:${JSON.stringify(constants)}`, DISTANCE, constants, [clusters, n]);
    return flatten(k(x, p.columns!, job.weights, job.centers), n, clusters);
  }

  private tables(job: ForestJob): Record<string, Float32Array> {
    const t = job.table;
    return this.params(job, () => ({
      columns: Float32Array.from(job.columns),
      feature: Float32Array.from(t.feature),
      op: Float32Array.from(t.op),
      threshold: Float32Array.from(t.threshold),
      left: Float32Array.from(t.left),
      right: Float32Array.from(t.right),
      roots: Float32Array.from(t.roots),
    }));
  }

  async forestLeaves(job: ForestJob, x: Float32Array, n: number, width: number): Promise<Float32Array> {
    const p = this.tables(job);
    const trees = job.trees.length;
    const k = this.kernel(`leaves:${width}:${job.depth}`, LEAVES, { width, depth: job.depth }, [trees, n]);
    return flatten(k(x, p.columns!, p.feature!, p.op!, p.threshold!, p.left!, p.right!, p.roots!), n, trees);
  }

  async forestSums(job: ForestJob, scores: Float32Array, x: Float32Array, n: number, width: number): Promise<Float32Array> {
    const p = this.tables(job);
    const trees = job.trees.length;
    const blocks = Math.ceil(trees / TREE_BLOCK);
    const k = this.kernel(`sums:${width}:${job.depth}:${trees}`, SUMS, { width, depth: job.depth, trees, block: TREE_BLOCK }, [blocks, n]);
    return sumBlocks(flatten(k(x, p.columns!, p.feature!, p.op!, p.threshold!, p.left!, p.right!, p.roots!, scores), n, blocks), n, blocks);
  }

  dispose(): void {
    this.gpu.destroy();
  }
}
