import {
  pipelineFacts,
  refuse,
  rowsFromBatch,
  scoredBatchFromResults,
  type Backend,
  type Batch,
  type ModelFacts,
  type ScoredBatch,
  type ScoreResult,
  type Session,
} from "@porta/backend";
import {
  clusteringResult,
  formatValue,
  generalRegressionResult,
  svmResult,
  neuralNetworkResult,
  preparePipeline,
  PipelineScope,
  PROGRAM_REFUSAL,
  regressionPlan,
  regressionResult,
  runModel,
  toNumber,
  treeNodeResult,
  type ModelNode,
  type ModelResult,
  type ModelScope,
  type PreparedPipeline,
  type TargetInfo,
  type Value,
} from "@porta/ir";
import type { InferenceSession, Tensor } from "onnxruntime-node";
import { exportPipeline, type ExportedPipeline } from "./export.ts";
import { NotExportable } from "./refusal.ts";

type Ort = typeof import("onnxruntime-node");

/** The outputs of one run: name → row-major doubles and the row width. */
type Outputs = Map<string, { data: Float64Array; width: number }>;

/**
 * A pipeline exported to ONNX and run by onnxruntime-node. The graph computes every family's
 * arithmetic (tree walks, regression tables, network layers) on the batch; the interpreter's
 * own rules then turn each row's numbers into the family result and apply segmentation,
 * Targets and Output, so results have the shapes and values the other backends give.
 */
export class OnnxSession implements Session {
  readonly backend = "onnx";
  private readonly finalNames: string[];

  constructor(
    private readonly ort: Ort,
    private readonly session: InferenceSession,
    readonly exported: ExportedPipeline,
    private readonly prepared: PreparedPipeline,
    readonly facts: ModelFacts,
  ) {
    this.finalNames = facts.outputFields.map((f) => f.name);
  }

  async run(batch: Batch): Promise<ScoredBatch> {
    const n = batch.length;
    const rows = rowsFromBatch(batch);
    const errors: (Error | undefined)[] = new Array(n);
    const scopes: (PipelineScope | undefined)[] = new Array(n);
    const { pipeline, index, limits } = this.prepared;
    const columns = this.exported.inputs.map(() => new Float64Array(n));
    for (let i = 0; i < n; i++) {
      const scope = new PipelineScope(pipeline, rows[i], index, limits);
      scope.setTopModel(pipeline.model);
      try {
        // The top-level MiningSchema's treatments (invalid values, replacements, outliers) as
        // the interpreter applies them; the graph repeats the replacements for files used alone.
        this.exported.inputs.forEach((input, k) => {
          columns[k][i] = encode(scope.resolve(input.name), input.table?.texts ?? null);
        });
        scopes[i] = scope;
      } catch (e) {
        errors[i] = e instanceof Error ? e : new Error(String(e));
        for (const c of columns) c[i] = NaN;
      }
    }
    const outputs = n === 0 ? new Map() : await this.infer(columns, n);
    const results: (ScoreResult | null)[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const scope = scopes[i];
      if (!scope) {
        results[i] = null;
        continue;
      }
      scope.familyResult = (model, modelScope, target) => this.familyResult(outputs, i, model, modelScope, target);
      try {
        const run = runModel(pipeline.model, scope, scope);
        const all: Record<string, Value> = {};
        if (run.target.name !== null) all[run.target.name] = run.result.value;
        for (const [name, value] of run.outputs) all[name] = value;
        const result: ScoreResult = {};
        for (const name of this.finalNames) if (name in all) result[name] = all[name];
        results[i] = result;
      } catch (e) {
        results[i] = null;
        errors[i] = e instanceof Error ? e : new Error(String(e));
      }
    }
    return scoredBatchFromResults(this.finalNames, results, errors);
  }

  private async infer(columns: Float64Array[], n: number): Promise<Outputs> {
    const feeds: Record<string, Tensor> = {};
    this.exported.inputs.forEach((input, k) => {
      feeds[input.name] = new this.ort.Tensor("float64", columns[k], [n, 1]);
    });
    const out = await this.session.run(feeds, this.exported.outputs);
    const outputs: Outputs = new Map();
    for (const name of this.exported.outputs) {
      const t = out[name];
      outputs.set(name, { data: t.data as Float64Array, width: t.dims.length > 1 ? Number(t.dims[1]) : 1 });
    }
    return outputs;
  }

  /** Row i's family result for a model element the graph computed (undefined: the interpreter evaluates it). */
  private familyResult(outputs: Outputs, i: number, model: ModelNode, scope: ModelScope, target: TargetInfo): ModelResult | undefined {
    const decode = this.exported.nodes.get(model);
    if (!decode) return undefined;
    switch (decode.kind) {
      case "tree": {
        if (model.kind !== "tree") return undefined;
        const leaves = outputs.get("leaves")!;
        const leaf = this.exported.forest!.leaves[leaves.data[i * leaves.width + decode.column]];
        return leaf.node === null ? { value: null } : treeNodeResult(model, leaf.node, target);
      }
      case "regression": {
        if (model.kind !== "regression") return undefined;
        const { data, width } = outputs.get(decode.output)!;
        const plan = regressionPlan(model, target);
        const tables = plan.kind === "regression" ? 1 : plan.tables.length;
        if (tables !== decode.tables) return undefined;
        const ys = Array.from(data.subarray(i * width, i * width + tables), (y) => (Number.isNaN(y) ? null : y));
        return regressionResult(plan, ys);
      }
      case "neuralNetwork": {
        if (model.kind !== "neuralNetwork") return undefined;
        const { data, width } = outputs.get(decode.output)!;
        // Every input and neuron by slot (the plan's order); a missing input makes the result missing.
        const values = data.subarray(i * width, i * width + decode.ids.length);
        for (let k = 0; k < model.inputs.length; k++) if (Number.isNaN(values[k])) return { value: null };
        return neuralNetworkResult(model, scope, target, values);
      }
      case "clustering": {
        const { data, width } = outputs.get(decode.output)!;
        return clusteringResult(decode.plan, Array.from(data.subarray(i * width, i * width + decode.plan.clusters.length)));
      }
      case "generalRegression": {
        if (model.kind !== "generalRegression") return undefined;
        const { data, width } = outputs.get(decode.output)!;
        return generalRegressionResult(
          model,
          decode.plan,
          (k) => {
            const eta = data[i * width + k];
            return Number.isNaN(eta) ? null : eta;
          },
          scope,
        );
      }
      case "svm": {
        const { data, width } = outputs.get(decode.output)!;
        const values = Array.from(data.subarray(i * width, i * width + decode.machines));
        // A missing vector field (NaN) fails the row: the interpreter evaluates it and raises its error.
        return values.some((v) => Number.isNaN(v)) ? undefined : svmResult(decode.plan, values);
      }
    }
  }

  async dispose(): Promise<void> {
    await this.session.release();
  }
}

/** A treated input value as the graph's column: numbers as they are, texts as codes (-1 for another text), NaN missing. */
function encode(v: Value, texts: string[] | null): number {
  if (v === null) return NaN;
  if (texts) {
    const code = texts.indexOf(typeof v === "string" ? v : formatValue(v));
    return code;
  }
  return toNumber(v);
}

let runtime: Promise<Ort> | undefined;

/** onnxruntime-node, loaded on first compile: importing porta does not load the native binary. */
function loadRuntime(): Promise<Ort> {
  runtime ??= import("onnxruntime-node");
  return runtime;
}

/** The onnx backend: families exported to an ONNX graph, run by onnxruntime-node (asynchronous). */
export const onnxBackend: Backend = {
  name: "onnx",
  description: "the pipeline exported to ONNX (ai.onnx.ml TreeEnsemble, MatMul layers) and run by onnxruntime-node",
  sync: false,
  formats: ["pmml"],
  async compile(plan) {
    if (plan.format !== "pmml") return refuse("PFA documents are not exported");
    if (plan.pipeline.model.kind === "program") return refuse(PROGRAM_REFUSAL);
    const prepared = preparePipeline(plan.pipeline, plan.limits);
    let exported: ExportedPipeline;
    try {
      exported = exportPipeline(plan.pipeline);
    } catch (e) {
      if (e instanceof NotExportable) return refuse(e.message);
      throw e;
    }
    const ort = await loadRuntime();
    const session = await ort.InferenceSession.create(exported.bytes, { executionProviders: ["cpu"] });
    return new OnnxSession(ort, session, exported, prepared, pipelineFacts(plan.pipeline));
  },
};
