/**
 * Which model elements of a pipeline the GPU computes, read off the lowered family plans the
 * other backends read (packages/ir/src/lower): regression tables, network layers, cluster
 * distances, tree node tables. Each job's arithmetic runs on the GPU over the rows whose inputs
 * are plain numbers; the interpreter's own rules turn the numbers into the family result
 * (as the onnx backend does), so segmentation, Targets and Output keep the reference semantics.
 *
 * A field is "plain" when the row's number is what the family reads: a numeric DataField with no
 * value lists or intervals, untreated by every MiningSchema on the way down and not redefined by
 * a LocalTransformation. Anything else is refused with the element that stops it.
 */
import { modelElementName } from "@porta/backend";
import {
  isPlainMiningField,
  lowerClustering,
  lowerNeuralLayers,
  lowerNodeTable,
  parseNumber,
  TREE_TABLE_TEXTS,
  treeNodesInOrder,
  treeTableNumber,
  treeTableOf,
  type ClusteringModel,
  type ClusteringPlan,
  type DataField,
  type LinearNorm,
  type ModelNode,
  type NeuralNetwork,
  type NodeTable,
  type Pipeline,
  type RegressionModel,
  type TreeModel,
} from "@porta/ir";

/** A value the row's number goes through before a network reads it (NormContinuous, outliers asIs or asExtremeValues). */
export interface InputNorm {
  readonly points: readonly LinearNorm[];
  readonly extreme: boolean;
}

export interface RegressionJob {
  readonly kind: "regression";
  readonly model: RegressionModel;
  /** The (field column, exponent) terms; `coefficients[t][k]` multiplies term k in table t. */
  readonly terms: readonly { readonly column: number; readonly exponent: number }[];
  readonly coefficients: readonly (readonly number[])[];
  readonly intercepts: readonly number[];
}

export interface DenseLayer {
  /** Row-major [neurons × inputs]: a neuron's weights over the previous layer's slots (zero where it has no Con). */
  readonly weights: Float32Array;
  readonly bias: Float32Array;
  readonly inputs: number;
  readonly neurons: number;
  readonly activation: Activation;
  readonly threshold: number;
  /** NaN: no leakage (rectifier is max(z, 0)). */
  readonly leakage: number;
}

export interface NeuralJob {
  readonly kind: "neural";
  readonly model: NeuralNetwork;
  /** The column each network input reads, and its normalisation (undefined: FieldRef). */
  readonly inputs: readonly { readonly column: number; readonly norm: InputNorm | undefined }[];
  readonly layers: readonly DenseLayer[];
  /** The last layer's normalisation, applied to the read-back values as the interpreter does. */
  readonly outputNormalization: "none" | "softmax" | "simplemax";
  /** Number of slots (inputs and every neuron), the interpreter's value vector. */
  readonly slots: number;
}

export interface ClusteringJob {
  readonly kind: "clustering";
  readonly model: ClusteringModel;
  readonly plan: ClusteringPlan;
  readonly columns: readonly number[];
  readonly weights: Float32Array;
  /** Row-major [clusters × fields]. */
  readonly centers: Float32Array;
  readonly inner: number;
  readonly outer: number;
}

export interface ForestJob {
  readonly kind: "forest";
  readonly trees: readonly TreeModel[];
  readonly table: NodeTable;
  /** `table.fields[i]` is batch column `columns[i]`. */
  readonly columns: readonly number[];
  /** Longest root-to-leaf path (edges): the walk's loop bound. */
  readonly depth: number;
}

export type GpuJob = RegressionJob | NeuralJob | ClusteringJob | ForestJob;

/** Activation codes shared by the gpu.js kernels and the WGSL generator. */
export const ACTIVATIONS = {
  identity: 0,
  logistic: 1,
  tanh: 2,
  rectifier: 3,
  exponential: 4,
  reciprocal: 5,
  square: 6,
  Gauss: 7,
  sine: 8,
  cosine: 9,
  Elliott: 10,
  arctan: 11,
  threshold: 12,
} as const;
export type Activation = keyof typeof ACTIVATIONS;

/**
 * The whole result computed on the GPU, without the interpreter per row: a numeric target and
 * nothing else asked (no Targets, no OutputFields).
 * - `value`: a regression table or a network's output neuron, as it is.
 * - `forest`: a MiningModel sum or average of regression TreeModels over their leaf scores.
 */
export type DirectFinish =
  | { readonly kind: "value"; readonly job: number; readonly slot: number; readonly target: string }
  | { readonly kind: "forest"; readonly job: number; readonly scores: Float32Array; readonly divisor: number; readonly target: string };

export interface GpuPlan {
  /** The batch fields read, in column order of the input matrix. */
  readonly fields: readonly string[];
  /** Fields whose values must be whole numbers (integer DataFields): another number sends the row to the interpreter. */
  readonly integers: readonly boolean[];
  readonly jobs: readonly GpuJob[];
  /** Job index of each model element the GPU computes. */
  readonly jobOf: ReadonlyMap<ModelNode, number>;
  readonly direct: DirectFinish | undefined;
  /** One line per job ("forest: 500 trees, 31k nodes, depth 8"), for inspect and bench. */
  readonly summary: string;
  /** What decides the break-even: the jobs' sizes, not their values. */
  readonly shapeKey: string;
}

/** Why the pipeline gets no GPU plan: the first element that stopped it. */
export class NotGpuScorable extends Error {}

const NUMERIC_TYPES = new Set(["double", "float", "integer"]);

/** Builds the plan, or throws NotGpuScorable naming the element when no model element qualifies. */
export function planPipeline(pipeline: Pipeline): GpuPlan {
  const dataFields = new Map(pipeline.dataFields.map((f) => [f.name, f]));
  const fields: string[] = [];
  const integers: boolean[] = [];
  const columnOf = new Map<string, number>();
  const jobs: GpuJob[] = [];
  const jobOf = new Map<ModelNode, number>();
  const reasons: string[] = [];
  const trees: { tree: TreeModel; path: readonly ModelNode[] }[] = [];

  /** The field's batch column, or a reason it is not plain along `path` (top model first). */
  const column = (name: string, path: readonly ModelNode[]): number | string => {
    const df: DataField | undefined = dataFields.get(name);
    if (!df) return `field "${name}" is not a DataField`;
    if (!NUMERIC_TYPES.has(df.dataType)) return `DataField "${name}" is of dataType "${df.dataType}"`;
    if (df.validValues.length > 0 || df.invalidValues.length > 0 || df.missingValues.length > 0 || df.intervals.length > 0)
      return `DataField "${name}" declares Values or Intervals`;
    for (const m of path) {
      if (m.localTransformations.some((d) => d.name === name)) return `a LocalTransformations DerivedField redefines "${name}" in ${m.path}`;
      const mf = m.miningSchema.find((f) => f.name === name);
      if (mf && !isPlainMiningField(mf)) return `MiningField "${name}" of ${m.path} treats missing, invalid or outlier values`;
    }
    let k = columnOf.get(name);
    if (k === undefined) {
      k = fields.push(name) - 1;
      integers.push(df.dataType === "integer");
      columnOf.set(name, k);
    }
    return k;
  };

  const visit = (model: ModelNode, path: readonly ModelNode[]): void => {
    const here = [...path, model];
    switch (model.kind) {
      case "mining":
        for (const s of model.segments) visit(s.model, here);
        return;
      case "tree":
        trees.push({ tree: model, path: here });
        return;
      case "regression":
        add(model, regressionJob(model, here, column));
        return;
      case "neuralNetwork":
        add(model, neuralJob(model, here, column));
        return;
      case "clustering":
        add(model, clusteringJob(model, here, column));
        return;
      default:
        reasons.push(
          `the GPU backend computes RegressionModel, NeuralNetwork, ClusteringModel and TreeModel, not <${modelElementName(model.kind)}> (${model.path})`,
        );
    }
  };
  const add = (model: ModelNode, job: GpuJob | string): void => {
    if (typeof job === "string") reasons.push(job);
    else jobOf.set(model, jobs.push(job) - 1);
  };
  visit(pipeline.model, []);
  if (trees.length > 0) add(trees[0]!.tree, forestJob(trees, column, jobOf, jobs.length));
  if (jobs.length === 0) throw new NotGpuScorable(reasons[0] ?? "the pipeline has no model element the GPU computes");
  return {
    fields,
    integers,
    jobs,
    jobOf,
    direct: directFinish(pipeline, jobs, jobOf),
    summary: jobs.map(describeJob).join("; "),
    shapeKey: [`fields=${fields.length}`, ...jobs.map(describeJob)].join("|"),
  };
}

function regressionJob(
  model: RegressionModel,
  path: readonly ModelNode[],
  column: (f: string, p: readonly ModelNode[]) => number | string,
): RegressionJob | string {
  const terms: { column: number; exponent: number }[] = [];
  const termOf = new Map<string, number>();
  const coefficients: number[][] = [];
  for (const table of model.tables) {
    if (table.categoricalPredictors.length > 0 || table.predictorTerms.length > 0)
      return `the GPU backend sums NumericPredictors only, not CategoricalPredictor or PredictorTerm (${model.path})`;
    const row: number[] = new Array(terms.length).fill(0);
    for (const p of table.numericPredictors) {
      const c = column(p.field, path);
      if (typeof c === "string") return c;
      if (!Number.isInteger(p.exponent)) return `NumericPredictor "${p.field}" has a non-integer exponent ${p.exponent}`;
      const key = `${c}^${p.exponent}`;
      let k = termOf.get(key);
      if (k === undefined) {
        k = terms.push({ column: c, exponent: p.exponent }) - 1;
        termOf.set(key, k);
        for (const r of coefficients) r.push(0);
        row.push(0);
      }
      row[k] = (row[k] ?? 0) + p.coefficient;
    }
    coefficients.push(row);
  }
  for (const r of coefficients) while (r.length < terms.length) r.push(0);
  return { kind: "regression", model, terms, coefficients, intercepts: model.tables.map((t) => t.intercept) };
}

function neuralJob(model: NeuralNetwork, path: readonly ModelNode[], column: (f: string, p: readonly ModelNode[]) => number | string): NeuralJob | string {
  const inputs: { column: number; norm: InputNorm | undefined }[] = [];
  for (const input of model.inputs) {
    const e = input.expr;
    if (e.kind !== "fieldRef" && e.kind !== "normContinuous")
      return `a NeuralInput must be a FieldRef or a NormContinuous of a DataField for the GPU backend (${model.path})`;
    const c = column(e.field, path);
    if (typeof c === "string") return c;
    if (e.kind === "normContinuous") {
      if (e.outliers === "asMissingValues" || e.points.length < 2)
        return `NormContinuous of "${e.field}" with outliers="asMissingValues" is left to the interpreter`;
      inputs.push({ column: c, norm: { points: e.points, extreme: e.outliers === "asExtremeValues" } });
    } else inputs.push({ column: c, norm: undefined });
  }
  const plan = lowerNeuralLayers(model);
  const layers: DenseLayer[] = [];
  let from = 0,
    width = plan.inputs.length;
  for (const [l, layer] of plan.layers.entries()) {
    if (layer.activation === "radialBasis") return `activationFunction="radialBasis" is not a dense layer (${layer.path})`;
    if (layer.normalization !== "none" && l < plan.layers.length - 1)
      return `normalizationMethod="${layer.normalization}" on a hidden NeuralLayer (${layer.path})`;
    const weights = new Float32Array(layer.neurons.length * width);
    const bias = new Float32Array(layer.neurons.length);
    for (const [j, neuron] of layer.neurons.entries()) {
      for (const [c, slot] of neuron.from.entries()) {
        // A dense layer reads the layer before it (the inputs for the first): the matmul's operand.
        if (slot < from || slot >= from + width) return `a Con of neuron "${neuron.id}" reads a slot outside the previous layer (${layer.path})`;
        weights[j * width + slot - from] += neuron.weights[c]!;
      }
      bias[j] = neuron.bias ?? 0;
    }
    layers.push({
      weights,
      bias,
      inputs: width,
      neurons: layer.neurons.length,
      activation: layer.activation,
      threshold: layer.threshold,
      leakage: layer.leakage ?? NaN,
    });
    from = layer.base;
    width = layer.neurons.length;
  }
  if (layers.length === 0) return `NeuralNetwork without NeuralLayer (${model.path})`;
  const last = plan.layers[plan.layers.length - 1]!;
  return { kind: "neural", model, inputs, layers, outputNormalization: last.normalization, slots: plan.ids.length };
}

function clusteringJob(
  model: ClusteringModel,
  path: readonly ModelNode[],
  column: (f: string, p: readonly ModelNode[]) => number | string,
): ClusteringJob | string {
  const plan = lowerClustering(model);
  const cmp = plan.comparison;
  if (cmp.kind !== "distance" || cmp.maximum) return `<${cmp.measure}> is not a sum of distances (${cmp.path})`;
  const columns: number[] = [];
  for (const f of cmp.fields) {
    if (f.compare.fn !== "absDiff") return `compareFunction="${f.compare.fn}" (${f.path})`;
    const c = column(f.field, path);
    if (typeof c === "string") return c;
    columns.push(c);
  }
  const centers = new Float32Array(plan.clusters.length * columns.length);
  for (const [i, cluster] of plan.clusters.entries()) {
    for (const [k, v] of cluster.centerNumbers.entries()) {
      if (v === undefined) return `a Cluster center value is not a number (${cluster.path})`;
      centers[i * columns.length + k] = v;
    }
  }
  return {
    kind: "clustering",
    model,
    plan,
    columns,
    weights: Float32Array.from(cmp.fields, (f) => f.fieldWeight),
    centers,
    inner: cmp.inner,
    outer: cmp.outer,
  };
}

function forestJob(
  trees: readonly { tree: TreeModel; path: readonly ModelNode[] }[],
  column: (f: string, p: readonly ModelNode[]) => number | string,
  jobOf: Map<ModelNode, number>,
  index: number,
): ForestJob | string {
  const pathOf = new Map(trees.map((t) => [t.tree, t.path]));
  let stop: string | undefined;
  const columnOfField = new Map<string, number>();
  // A split field must be plain in every tree that reads it: asked per tree through its own path.
  const table = lowerNodeTable(
    trees.map((t) => t.tree),
    (_field, text) => parseNumber(text),
    // parseNumber's reading is the literal itself: split constants read from node tables need no string.
    () => (value) => value,
  );
  if (!table) return `a TreeModel has a split other than a binary numeric one, or a strategy the node table does not walk (${trees[0]!.tree.path})`;
  for (const field of table.fields) {
    for (const t of trees) {
      const c = column(field, pathOf.get(t.tree)!);
      if (typeof c === "string") {
        stop ??= c;
        break;
      }
      columnOfField.set(field, c);
    }
  }
  if (stop !== undefined) return stop;
  if (table.size >= 1 << 24) return `${table.size} tree nodes exceed the float32 node index`;
  for (const t of trees) jobOf.set(t.tree, index);
  return { kind: "forest", trees: trees.map((t) => t.tree), table, columns: table.fields.map((f) => columnOfField.get(f)!), depth: depthOf(table) };
}

function depthOf(table: NodeTable): number {
  let max = 0;
  const depth = new Int32Array(table.left.length);
  // Children come after their parent in the table (pre-order), so one forward pass sets every depth.
  for (let k = 0; k < table.left.length; k++) {
    for (const child of [table.left[k]!, table.right[k]!]) {
      if (child < 0) continue;
      depth[child] = depth[k]! + 1;
      if (depth[child]! > max) max = depth[child]!;
    }
  }
  return max;
}

/** The direct finish, when the pipeline asks for the top model's numeric target and nothing else. */
function directFinish(pipeline: Pipeline, jobs: readonly GpuJob[], jobOf: ReadonlyMap<ModelNode, number>): DirectFinish | undefined {
  const top = pipeline.model;
  if (top.targets.length > 0 || top.output.length > 0 || top.functionName !== "regression") return undefined;
  const target = top.miningSchema.find((f) => f.usageType === "predicted" || f.usageType === "target")?.name;
  if (target === undefined) return undefined;
  // The interpreter casts the result to the target's dataType: only a double target is the sum as it is.
  const targetType = pipeline.dataFields.find((f) => f.name === target)?.dataType;
  if (targetType !== undefined && targetType !== "double") return undefined;
  const job = jobOf.get(top);
  if (job !== undefined) {
    const j = jobs[job]!;
    if (j.kind === "regression" && top.kind === "regression" && top.normalizationMethod === "none" && top.mathContext !== "float")
      return { kind: "value", job, slot: 0, target };
    if (j.kind === "neural" && top.kind === "neuralNetwork" && j.outputNormalization === "none") {
      const outputs = top.outputs;
      const out = outputs.length === 1 ? outputs[0] : undefined;
      if (out?.expr.kind !== "fieldRef" || out.expr.field !== target) return undefined;
      const slot = lowerNeuralLayers(top).slots.get(out.outputNeuron);
      const lastBase = lowerNeuralLayers(top).layers.at(-1)!.base;
      if (slot === undefined || slot < lastBase) return undefined;
      return { kind: "value", job, slot: slot - lastBase, target };
    }
    return undefined;
  }
  if (top.kind !== "mining" || (top.multipleModelMethod !== "sum" && top.multipleModelMethod !== "average")) return undefined;
  if (top.segments.length === 0 || top.mathContext === "float") return undefined;
  const forest = jobs.findIndex((j) => j.kind === "forest");
  const fj = jobs[forest];
  if (fj?.kind !== "forest" || fj.trees.length !== top.segments.length) return undefined;
  for (const [i, s] of top.segments.entries()) {
    const m = s.model;
    if (s.predicate.kind !== "true" || m !== fj.trees[i] || m.kind !== "tree") return undefined;
    if (m.functionName !== "regression" || m.targets.length > 0 || m.mathContext === "float") return undefined;
  }
  const scores = new Float32Array(fj.table.size);
  for (const [t, tree] of fj.trees.entries()) {
    // A tree a reader left as a node table gives its scores without making its nodes.
    const nodes = treeTableOf(tree);
    const objects = nodes === undefined ? treeNodesInOrder(tree.root) : undefined;
    const from = fj.table.roots[t]!;
    const to = t + 1 < fj.trees.length ? fj.table.roots[t + 1]! : fj.table.size;
    for (let k = from; k < to; k++) {
      if (fj.table.left[k]! >= 0) continue;
      let v: number | undefined;
      if (nodes !== undefined) v = treeTableNumber(nodes, k - from, TREE_TABLE_TEXTS.score);
      else {
        const score = objects![k - from]!.score;
        v = score === undefined ? undefined : parseNumber(score);
      }
      if (v === undefined) return undefined; // a leaf without a numeric score: the interpreter's missing-prediction rules
      scores[k] = v;
    }
  }
  return { kind: "forest", job: forest, scores, divisor: top.multipleModelMethod === "average" ? top.segments.length : 1, target };
}

export function describeJob(job: GpuJob): string {
  switch (job.kind) {
    case "regression":
      return `regression: ${job.coefficients.length} table(s) × ${job.terms.length} terms`;
    case "neural":
      return `neural network: ${job.inputs.length} inputs, layers ${job.layers.map((l) => `${l.neurons} ${l.activation}`).join(", ")}`;
    case "clustering":
      return `clustering: ${job.plan.clusters.length} centers × ${job.columns.length} fields`;
    case "forest":
      return `forest: ${job.trees.length} trees, ${job.table.size} nodes, depth ${job.depth}`;
  }
}
