/**
 * A pipeline scored by a GPU engine. Per batch: the plan's fields become one float32 input
 * matrix; rows whose inputs are all plain numbers ("clean") go through the jobs on the GPU; then
 * - the direct finish (plan.direct) writes the target column from the read-back values, or
 * - the interpreter runs each row with the GPU's family results in place of its own arithmetic
 *   (PipelineScope.familyResult, as the onnx backend does), so Targets, Output and segmentation
 *   are the reference's.
 * Rows with a missing, non-finite, unparsable or (integer fields) fractional input are scored by
 * the interpreter alone: their treatments are the document's, not the GPU's concern.
 */
import {
  numberColumn,
  scoredBatchFromResults,
  valueAt,
  type Batch,
  type Column,
  type ModelFacts,
  type ScoredBatch,
  type ScoreResult,
  type Session,
} from "@porta/backend";
import {
  clusteringResult,
  forestNodes,
  neuralNetworkResult,
  parseNumber,
  PipelineScope,
  regressionPlan,
  regressionResult,
  runModel,
  treeNodeResult,
  type ModelNode,
  type ModelResult,
  type ModelScope,
  type PreparedPipeline,
  type TargetInfo,
  type TreeNode,
  type Value,
} from "@porta/ir";
import type { KernelEngine } from "./engine.ts";
import type { GpuPlan, InputNorm, NeuralJob } from "./plan.ts";

/** The batch as the plan reads it: the clean rows' input matrix and which rows are clean. */
export interface InputMatrix {
  /** [clean rows × fields], row-major float32. */
  readonly x: Float32Array;
  /** Batch row → clean row index, -1 for a row the interpreter scores alone. */
  readonly cleanIndex: Int32Array;
  readonly clean: number;
}

/**
 * A column's numbers (NaN where the row is not a plain number: missing, or a text that is not
 * one). Texts (CSV input) are parsed as the interpreter reads a number, once per dictionary entry
 * of a category column.
 */
function numbersOf(col: Column | undefined, n: number): { values: ArrayLike<number>; missing?: Uint8Array } {
  if (!col) return { values: new Float64Array(n).fill(Number.NaN) };
  switch (col.kind) {
    case "number":
      return col.missing ? { values: col.values, missing: col.missing } : { values: col.values };
    case "category": {
      const byCode = col.dictionary.map((t) => parseNumber(t) ?? Number.NaN);
      const values = new Float64Array(n);
      for (let i = 0; i < n; i++) values[i] = col.codes[i]! < 0 ? Number.NaN : byCode[col.codes[i]!]!;
      return { values };
    }
    case "value": {
      const values = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const v = col.values[i];
        values[i] = typeof v === "number" ? v : typeof v === "string" ? (parseNumber(v) ?? Number.NaN) : Number.NaN;
      }
      return { values };
    }
  }
}

/** Reads the plan's fields out of a batch; a row with any field not a plain finite number is left to the interpreter. */
export function inputMatrix(plan: Pick<GpuPlan, "fields" | "integers">, batch: Batch): InputMatrix {
  const n = batch.length,
    width = plan.fields.length;
  const dirty = new Uint8Array(n);
  const columns = plan.fields.map((f) => numbersOf(batch.columns.get(f), n));
  for (const [k, col] of columns.entries()) {
    const integer = plan.integers[k];
    for (let i = 0; i < n; i++) {
      const v = col.values[i]!;
      if ((col.missing && col.missing[i] === 1) || !Number.isFinite(v) || (integer && !Number.isInteger(v))) dirty[i] = 1;
    }
  }
  const cleanIndex = new Int32Array(n);
  let clean = 0;
  for (let i = 0; i < n; i++) cleanIndex[i] = dirty[i] ? -1 : clean++;
  const x = new Float32Array(clean * width);
  for (const [k, col] of columns.entries()) {
    const values = col.values;
    for (let i = 0; i < n; i++) {
      const c = cleanIndex[i]!;
      if (c >= 0) x[c * width + k] = values[i]!;
    }
  }
  return { x, cleanIndex, clean };
}

/** NormContinuous's piecewise-linear map (the interpreter's evaluateNormContinuous for a present value). */
export function normalizeInput(norm: InputNorm, x: number): number {
  const pts = norm.points;
  const first = pts[0]!,
    last = pts[pts.length - 1]!;
  if (norm.extreme && (x < first.orig || x > last.orig)) return x < first.orig ? first.norm : last.norm;
  let i = 0;
  if (x >= first.orig) {
    i = pts.length - 2;
    for (let k = 0; k < pts.length - 1; k++) {
      if (x <= pts[k + 1]!.orig) {
        i = k;
        break;
      }
    }
  }
  const a = pts[i]!,
    b = pts[i + 1]!;
  return a.norm + ((x - a.orig) / (b.orig - a.orig)) * (b.norm - a.norm);
}

/** A network's input matrix [rows × inputs] from the plan's matrix, each input normalised in double. */
function networkInputs(job: NeuralJob, m: InputMatrix, width: number): Float64Array {
  const inputs = job.inputs.length;
  const out = new Float64Array(m.clean * inputs);
  for (let r = 0; r < m.clean; r++) {
    for (const [k, input] of job.inputs.entries()) {
      const v = m.x[r * width + input.column]!;
      out[r * inputs + k] = input.norm ? normalizeInput(input.norm, v) : v;
    }
  }
  return out;
}

/** The interpreter's layer normalisation, on the read-back last layer of one row (double). */
function normalizeLayer(method: NeuralJob["outputNormalization"], xs: Float64Array, from: number): void {
  if (method === "none" || xs.length === from) return;
  if (method === "softmax") {
    let max = xs[from]!;
    for (let i = from; i < xs.length; i++) if (xs[i]! > max) max = xs[i]!;
    for (let i = from; i < xs.length; i++) xs[i] = Math.exp(xs[i]! - max);
  }
  let sum = xs[from]!;
  for (let i = from + 1; i < xs.length; i++) sum += xs[i]!;
  if (sum === 1) return;
  for (let i = from; i < xs.length; i++) xs[i]! /= sum;
}

/** What the jobs computed for the clean rows, by job index. */
type JobOutputs = (Float32Array | Float32Array[] | { inputs: Float64Array; layers: Float32Array[] } | undefined)[];

export class GpuSession implements Session {
  /** Rows whose families the engine computed, and rows the interpreter scored alone (a missing or unusual input). */
  readonly stats = { engineRows: 0, interpretedRows: 0 };
  private readonly finalNames: string[];
  private readonly treeIndex = new Map<ModelNode, number>();
  /** By forest job: the IR nodes in its table's order, made on first need (a reader may have left the trees as node tables). */
  private readonly forestNodes = new Map<number, TreeNode[]>();

  constructor(
    readonly backend: string,
    readonly engine: KernelEngine,
    readonly plan: GpuPlan,
    private readonly prepared: PreparedPipeline,
    readonly facts: ModelFacts,
  ) {
    this.finalNames = facts.outputFields.map((f) => f.name);
    for (const job of plan.jobs) if (job.kind === "forest") job.trees.forEach((t, i) => this.treeIndex.set(t, i));
  }

  async run(batch: Batch): Promise<ScoredBatch> {
    const m = inputMatrix(this.plan, batch);
    const width = this.plan.fields.length;
    this.stats.engineRows += m.clean;
    this.stats.interpretedRows += batch.length - m.clean;
    const direct = this.plan.direct;
    if (direct) {
      const values = new Float64Array(batch.length).fill(NaN);
      if (m.clean > 0) {
        const job = this.plan.jobs[direct.job]!;
        let got: Float32Array;
        let stride = 1;
        if (direct.kind === "forest" && job.kind === "forest") got = await this.engine.forestSums(job, direct.scores, m.x, m.clean, width);
        else if (job.kind === "regression") got = await this.engine.regression(job, m.x, m.clean, width);
        else if (job.kind === "neural") {
          const layers = await this.engine.neural(job, Float32Array.from(networkInputs(job, m, width)), m.clean);
          got = layers[layers.length - 1]!;
          stride = job.layers[job.layers.length - 1]!.neurons;
        } else throw new Error(`direct finish of a ${job.kind} job`);
        const divisor = direct.kind === "forest" ? direct.divisor : 1;
        const slot = direct.kind === "value" ? direct.slot : 0;
        for (let i = 0; i < batch.length; i++) {
          const c = m.cleanIndex[i]!;
          if (c >= 0) values[i] = divisor === 1 ? got[c * stride + slot]! : got[c]! / divisor;
        }
      }
      const errors: (Error | undefined)[] = new Array(batch.length);
      for (let i = 0; i < batch.length; i++) {
        if (m.cleanIndex[i]! >= 0) continue;
        const { result, error } = this.interpretRow(batch, i, undefined);
        errors[i] = error;
        const v = result?.[direct.target];
        values[i] = typeof v === "number" ? v : NaN;
      }
      return { length: batch.length, columns: new Map([[direct.target, numberColumn(values)]]), errors };
    }
    const outputs = m.clean > 0 ? await this.computeJobs(m, width) : [];
    const results: (ScoreResult | null)[] = new Array(batch.length);
    const errors: (Error | undefined)[] = new Array(batch.length);
    for (let i = 0; i < batch.length; i++) {
      const c = m.cleanIndex[i]!;
      const hook = c < 0 ? undefined : (model: ModelNode, scope: ModelScope, target: TargetInfo) => this.familyResult(outputs, c, model, scope, target);
      const { result, error } = this.interpretRow(batch, i, hook);
      results[i] = result;
      errors[i] = error;
    }
    return scoredBatchFromResults(this.finalNames, results, errors);
  }

  private async computeJobs(m: InputMatrix, width: number): Promise<JobOutputs> {
    const out: JobOutputs = [];
    for (const job of this.plan.jobs) {
      switch (job.kind) {
        case "regression":
          out.push(await this.engine.regression(job, m.x, m.clean, width));
          break;
        case "neural": {
          const inputs = networkInputs(job, m, width);
          out.push({ inputs, layers: await this.engine.neural(job, Float32Array.from(inputs), m.clean) });
          break;
        }
        case "clustering":
          out.push(await this.engine.distances(job, m.x, m.clean, width));
          break;
        case "forest":
          out.push(await this.engine.forestLeaves(job, m.x, m.clean, width));
          break;
      }
    }
    return out;
  }

  /** Clean row r's family result for a model element the GPU computed (undefined: the interpreter evaluates it). */
  private familyResult(outputs: JobOutputs, r: number, model: ModelNode, scope: ModelScope, target: TargetInfo): ModelResult | undefined {
    const index = this.plan.jobOf.get(model);
    if (index === undefined) return undefined;
    const job = this.plan.jobs[index]!;
    const got = outputs[index];
    if (got === undefined) return undefined;
    if (job.kind === "regression" && model.kind === "regression" && got instanceof Float32Array) {
      const tables = job.coefficients.length;
      return regressionResult(regressionPlan(model, target), Array.from(got.subarray(r * tables, (r + 1) * tables)));
    }
    if (job.kind === "clustering" && got instanceof Float32Array) {
      const c = job.plan.clusters.length;
      return clusteringResult(job.plan, Array.from(got.subarray(r * c, (r + 1) * c)));
    }
    if (job.kind === "forest" && model.kind === "tree" && got instanceof Float32Array) {
      const leaf = got[r * job.trees.length + this.treeIndex.get(model)!]!;
      let nodes = this.forestNodes.get(index);
      if (nodes === undefined) {
        nodes = forestNodes(job.trees);
        this.forestNodes.set(index, nodes);
      }
      return treeNodeResult(model, nodes[leaf]!, target);
    }
    if (job.kind === "neural" && model.kind === "neuralNetwork" && !(got instanceof Float32Array) && !Array.isArray(got)) {
      const values = new Float64Array(job.slots);
      const inputs = job.inputs.length;
      values.set(got.inputs.subarray(r * inputs, (r + 1) * inputs), 0);
      let base = inputs;
      for (const [l, layer] of job.layers.entries()) {
        const a = got.layers[l]!;
        for (let j = 0; j < layer.neurons; j++) values[base + j] = a[r * layer.neurons + j]!;
        base += layer.neurons;
      }
      normalizeLayer(job.outputNormalization, values, base - job.layers[job.layers.length - 1]!.neurons);
      return neuralNetworkResult(model, scope, target, values);
    }
    return undefined;
  }

  /** Row i through the interpreter, the hook answering for the families the GPU computed. */
  private interpretRow(batch: Batch, i: number, hook: PipelineScope["familyResult"]): { result: ScoreResult | null; error: Error | undefined } {
    const { pipeline, index, limits } = this.prepared;
    const row: Record<string, unknown> = {};
    for (const [name, col] of batch.columns) {
      const v = valueAt(col, i);
      if (v !== null) row[name] = v;
    }
    try {
      const scope = new PipelineScope(pipeline, row, index, limits);
      scope.setTopModel(pipeline.model);
      scope.familyResult = hook;
      const run = runModel(pipeline.model, scope, scope);
      const all: Record<string, Value> = {};
      if (run.target.name !== null) all[run.target.name] = run.result.value;
      for (const [name, value] of run.outputs) all[name] = value;
      const result: ScoreResult = {};
      for (const name of this.finalNames) if (name in all) result[name] = all[name];
      return { result, error: undefined };
    } catch (e) {
      return { result: null, error: e instanceof Error ? e : new Error(String(e)) };
    }
  }

  dispose(): void {
    this.engine.dispose();
  }
}
