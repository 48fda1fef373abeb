import { modelElementName } from "@porta/backend";
import type { ClusteringPlan, ModelNode, Pipeline, SvmPlan, TreeModel } from "@porta/ir";
import { GraphBuilder, ML, OPSET_ML, OPSET_ONNX } from "./graph.ts";
import { DataType as Elem, encodeModel, type Model } from "./proto.ts";
import { NotExportable } from "./refusal.ts";
import { ModelGraphScope, RootGraphScope, type GraphInput, type GraphScope } from "./scope.ts";
import { TreeForest } from "./families/tree.ts";
import { regressionTables } from "./families/regression.ts";
import { neuralNetwork } from "./families/neural-network.ts";
import { clusteringDistances } from "./families/clustering.ts";
import { generalRegressionEtas, type LinearGrmPlan } from "./families/general-regression.ts";
import { svmValues } from "./families/support-vector-machine.ts";

/** How the backend reads one model element's family result from the session's outputs. */
export type NodeDecode =
  | { kind: "tree"; column: number }
  | { kind: "regression"; output: string; tables: number }
  | { kind: "neuralNetwork"; output: string; ids: readonly string[] }
  | { kind: "clustering"; output: string; plan: ClusteringPlan }
  | { kind: "generalRegression"; output: string; plan: LinearGrmPlan; etas: number }
  | { kind: "svm"; output: string; plan: SvmPlan; machines: number };

export interface ExportedPipeline {
  /** The ModelProto. */
  bytes: Uint8Array;
  inputs: GraphInput[];
  /** Every model element whose family the graph computes. */
  nodes: Map<ModelNode, NodeDecode>;
  /** The TreeEnsemble's leaf rows (output `leaves`: [N, trees]), when the document has trees. */
  forest?: TreeForest;
  /** Graph outputs the backend reads. */
  outputs: string[];
}

/**
 * A PMML pipeline as an ONNX graph (ai.onnx 21, ai.onnx.ml 5, double tensors throughout). Inputs
 * are one [N,1] double column per DataField read (a text field as the index of its category in
 * the `porta.categories` metadata, -1 for another value, NaN missing). Outputs: `leaves` (the leaf
 * row reached in every tree), `tables_k` (RegressionTable values), `neurons_k` (every neuron),
 * `distances_k` (each cluster's distance), `etas_k` (GeneralRegression linear predictors),
 * `machines_k` (each SupportVectorMachine's f(x)), and
 * where the top-level model is a plain regression tree ensemble `predicted_value`.
 * Throws NotExportable naming the element it cannot reproduce.
 */
export function exportPipeline(pipeline: Pipeline): ExportedPipeline {
  const g = new GraphBuilder();
  for (const f of pipeline.dataFields) g.reserved.add(f.name);
  const root = new RootGraphScope(pipeline, g, pipeline.model);
  const nodes = new Map<ModelNode, NodeDecode>();
  const forest = new TreeForest();
  const outputs: string[] = [];
  const visit = (model: ModelNode, parent: GraphScope): void => {
    if (!model.isScorable) throw new NotExportable(`${modelElementName(model.kind)} isScorable="false"`);
    const scope = new ModelGraphScope(model, parent, root);
    switch (model.kind) {
      case "tree":
        nodes.set(model, { kind: "tree", column: forest.add(model, scope) });
        return;
      case "regression": {
        const out = output(g, regressionTables(model, scope), `tables_${outputs.length}`, outputs);
        nodes.set(model, { kind: "regression", output: out, tables: model.tables.length });
        return;
      }
      case "neuralNetwork": {
        const nn = neuralNetwork(model, scope);
        nodes.set(model, { kind: "neuralNetwork", output: output(g, nn.values, `neurons_${outputs.length}`, outputs), ids: nn.ids });
        return;
      }
      case "clustering": {
        const { distances, plan } = clusteringDistances(model, scope);
        nodes.set(model, { kind: "clustering", output: output(g, distances, `distances_${outputs.length}`, outputs), plan });
        return;
      }
      case "generalRegression": {
        const { etas, plan, count } = generalRegressionEtas(model, scope, model === pipeline.model);
        nodes.set(model, { kind: "generalRegression", output: output(g, etas, `etas_${outputs.length}`, outputs), plan, etas: count });
        return;
      }
      case "svm": {
        const { values, plan, machines } = svmValues(model, scope, model === pipeline.model);
        nodes.set(model, { kind: "svm", output: output(g, values, `machines_${outputs.length}`, outputs), plan, machines });
        return;
      }
      case "mining":
        // The segments' families are the graph's; their combination is the interpreter's (exact
        // vote ties, missing predictions, modelChain) on the backend's side.
        for (const s of model.segments) visit(s.model, scope);
        return;
      default:
        throw new NotExportable(`${modelElementName(model.kind)} is not exported`);
    }
  };
  visit(pipeline.model, root);
  let usedForest: TreeForest | undefined;
  if (forest.trees.length > 0) {
    const leaves = forest.emit(g);
    output(g, leaves, "leaves", outputs);
    convenienceOutputs(g, pipeline.model, forest, leaves, outputs);
    usedForest = forest;
  }
  const categories: Record<string, string[]> = {};
  for (const input of root.inputs.values()) if (input.table) categories[input.name] = input.table.texts;
  const model: Model = {
    producerName: "porta",
    producerVersion: "0.1.0",
    opsets: [
      { domain: "", version: OPSET_ONNX },
      { domain: ML, version: OPSET_ML },
    ],
    graph: { name: "porta", nodes: g.nodes, initializers: g.initializers, inputs: g.inputs, outputs: g.outputs },
    metadata: { "porta.categories": JSON.stringify(categories) },
  };
  return { bytes: encodeModel(model), inputs: [...root.inputs.values()], nodes, forest: usedForest, outputs };
}

function output(g: GraphBuilder, tensor: string, name: string, outputs: string[]): string {
  if (g.reserved.has(name)) throw new NotExportable(`DataField name="${name}" is the name of a graph output`);
  g.nodes.push({ opType: "Identity", inputs: [tensor], outputs: [name], name: g.fresh("n") });
  g.outputs.push({ name, elemType: Elem.DOUBLE, shape: ["N", "K"] });
  outputs.push(name);
  return name;
}

/**
 * For a file used outside Porta: a top-level regression tree, or a MiningModel averaging or
 * summing regression trees with True segments, also yields its prediction before Targets,
 * `predicted_value` [N,1].
 */
function convenienceOutputs(g: GraphBuilder, top: ModelNode, forest: TreeForest, leaves: string, outputs: string[]): void {
  const trees: TreeModel[] =
    top.kind === "tree"
      ? [top]
      : top.kind === "mining" && top.segments.every((s) => s.model.kind === "tree" && s.predicate.kind === "true")
        ? top.segments.map((s) => s.model as TreeModel)
        : [];
  if (trees.length === 0 || trees.length !== forest.trees.length) return;
  const method = top.kind === "mining" ? top.multipleModelMethod : "sum";
  if (forest.leaves.some((l) => l.node === null)) return;
  const ids = g.op("Cast", [leaves], { to: { kind: "int", value: Elem.INT64 } });
  if (top.functionName === "regression" && (method === "sum" || method === "average")) {
    const scores = forest.leaves.map((l) => Number(l.node!.score));
    if (scores.some((s) => Number.isNaN(s))) return;
    const perTree = g.op("Gather", [g.doubles(scores), ids], { axis: { kind: "int", value: 0 } });
    output(
      g,
      g.op(method === "sum" ? "ReduceSum" : "ReduceMean", [perTree, g.int64s([1])], { keepdims: { kind: "int", value: 1 } }),
      "predicted_value",
      outputs,
    );
  }
}
