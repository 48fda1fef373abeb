/**
 * The model calls the lowering recognises, each over parameters held in a cell, and the IR model
 * node each becomes — the node PMML's reader would produce for the same model:
 * - `model.tree.simpleTree(input, tree)` and `model.tree.simpleWalk(input, tree, fcn(d, t) →
 *   model.tree.simpleTest(d, t))` → TreeModel;
 * - `a.mean` / `a.sum` of `a.map(forest, fcn(t) → <tree call on t>)` → MiningModel average / sum
 *   of TreeModels (a.mean sums from 0 in order and divides by the count, as the IR's average);
 * - `model.reg.linear(datum, model)` (one output), optionally inside `m.link.logit` / `cloglog` →
 *   RegressionModel, normalizationMethod the link (Σ coeff·x from 0 in order, then + const: the
 *   IR's intercept-last sum);
 * - `model.cluster.closest(datum, clusters)` (the default metric: squared Euclidean, first of equal
 *   distances) → ClusteringModel with the squaredEuclidean measure.
 * The datum of a regression or clustering is `input` (an array input) or `new` array of input
 * record fields.
 */
import type { Cluster, ClusteringModel, MiningModel, ModelNode, RegressionModel, RegressionNormalization, TreeModel } from "@porta/ir";
import type { ExprNode, FcnArgNode, FcnDefNode } from "../ast/nodes.ts";
import type { Bindings } from "./bindings.ts";
import { lowerNearestK } from "./neighbor.ts";
import { lowerNeural } from "./neural.ts";
import { voteWithoutTies } from "./mode.ts";
import type { AvroType, RecordType } from "@porta/ir/avro";
import { elementName } from "./inputs.ts";
import { loweredModelBase } from "./model-base.ts";
import { notLowerable } from "./refusal.ts";
import { callOf, fieldOf, inlineFunction, isRef, plainCell } from "./shapes.ts";
import { treeModel, type LeafKind } from "./tree.ts";

/** What the lowering knows of the engine: cell values and types, the input type. */
export interface LowerContext {
  readonly inputType: AvroType;
  readonly cellTypes: ReadonlyMap<string, AvroType>;
  readonly cellValues: Readonly<Record<string, unknown>>;
  /** Cells the lowering may read: declared, never written (no begin, end or update), not shared. */
  readonly readOnlyCells: ReadonlySet<string>;
  /** The action's lets before the model value (bindings.ts). */
  readonly env: Bindings;
  /** User functions by name without `u.` (an activation passed as `{"fcn": "u.sigmoid"}`). */
  readonly fcns: ReadonlyMap<string, FcnDefNode>;
}

/** Which inputs a model reads: the record's fields by name, listed fields, or an array input of `length` elements. */
export type Datum =
  | { readonly kind: "record" }
  | { readonly kind: "fields"; readonly fields: readonly string[] }
  | { readonly kind: "array"; readonly length: number };

/** The target of a model with a predicted value. */
export interface TargetKind {
  readonly dataType: "double" | "string";
  readonly opType: "continuous" | "categorical";
  /** Categories (tree leaves), in order of appearance. */
  readonly categories: readonly string[];
}

/** The error the PFA engine raises for an array input of another length than the model reads. */
export interface LengthError {
  readonly code: string;
  readonly message: string;
  readonly pfaCode: number;
}

export type ModelValue =
  | {
      readonly kind: "scored";
      readonly model: ModelNode;
      readonly target: TargetKind;
      readonly datum: Datum;
      /** For an array datum (default: model.reg.linear's "misaligned coeff"). */
      readonly lengthError?: LengthError;
      /** Names the target field in a model that refers to it (neural outputs, k-NN training columns), once the output has named it. */
      readonly bindTarget?: (field: string) => void;
      /**
       * A MiningModel majorityVote that can tie: its value is not PFA's a.mode, which the output
       * recomputes from the vote shares of these categories (mode.ts); the pipeline has no target.
       */
      readonly vote?: { readonly categories: readonly string[] };
    }
  | {
      readonly kind: "cluster";
      /** The decoded cluster records, in order. */
      readonly clusters: readonly Record<string, unknown>[];
      readonly clusterType: RecordType;
      readonly datum: Datum;
      readonly path: string;
    };

type Arg = ExprNode | FcnArgNode;

export function cellValue(ctx: LowerContext, e: Arg, path: string): { value: unknown; type: AvroType; name: string } {
  const cell = plainCell(e);
  if (!cell) return notLowerable("model parameters that are not a whole cell", path);
  if (!ctx.readOnlyCells.has(cell.name)) return notLowerable(`cell "${cell.name}" may change (written, shared, or set by begin/end)`, cell.path);
  return { value: ctx.cellValues[cell.name], type: ctx.cellTypes.get(cell.name)!, name: cell.name };
}

function recordFields(ctx: LowerContext): ReadonlyMap<string, AvroType> {
  if (ctx.inputType.kind !== "record") return notLowerable("a tree over an input that is not a record", "/input");
  return new Map(ctx.inputType.fields.map((f) => [f.name, f.type]));
}

function targetOf(leaf: LeafKind, categories: readonly string[]): TargetKind {
  return leaf.dataType === "string" ? { dataType: "string", opType: "categorical", categories } : { dataType: "double", opType: "continuous", categories: [] };
}

/**
 * A tree call on `tree` (an expression giving the node record): simpleTree(input, tree) or
 * simpleWalk(input, tree, fcn(d, t) -> simpleTest(d, t)). Returns the tree argument.
 */
export function treeCallArg(e: Arg): Arg | undefined {
  const simple = callOf(e, "model.tree.simpleTree");
  if (simple && simple.args.length === 2 && isRef(simple.args[0]!, "input")) return simple.args[1];
  const walk = callOf(e, "model.tree.simpleWalk");
  if (walk && walk.args.length === 3 && isRef(walk.args[0]!, "input")) {
    const f = inlineFunction(walk.args[2]!, 2, walk.path);
    const test = callOf(f.body, "model.tree.simpleTest");
    // the test must be simpleTest(d, t) itself: simpleWalk's pass/fail follow its true/false
    if (test && test.args.length === 2 && isRef(test.args[0]!, f.params[0]!) && isRef(test.args[1]!, f.params[1]!)) return walk.args[1];
    return notLowerable("simpleWalk with a test other than model.tree.simpleTest(datum, node)", f.def.path);
  }
  return undefined;
}

export function lowerTree(ctx: LowerContext, root: unknown, nodeType: AvroType, path: string): { model: TreeModel; target: TargetKind } {
  if (nodeType.kind !== "record") return notLowerable("a tree that is not a record", path);
  const { model, leaves, leaf } = treeModel(root, nodeType, recordFields(ctx), path);
  return { model, target: targetOf(leaf, leaves) };
}

const REDUCER: Readonly<Record<"average" | "sum" | "majorityVote", string>> = { average: "a.mean", sum: "a.sum", majorityVote: "a.mode" };

/** a.mean / a.sum / a.mode of a.map(cell, fcn(t) -> tree call on t) → a MiningModel of trees (a.mode: mode.ts). */
function lowerForest(ctx: LowerContext, reduced: Arg, method: "average" | "sum" | "majorityVote"): ModelValue {
  const e = ctx.env.deref(reduced);
  const map = callOf(e, "a.map");
  if (map?.args.length !== 2) return notLowerable(`${REDUCER[method]} of something other than a.map over a cell of trees`, e.path);
  const forest = cellValue(ctx, map.args[0]!, map.path);
  const f = inlineFunction(map.args[1]!, 1, map.path);
  const arg = treeCallArg(f.body);
  if (!arg || !isRef(arg, f.params[0]!)) return notLowerable("a.map of a function other than a tree call on its parameter", f.def.path);
  if (forest.type.kind !== "array" || !Array.isArray(forest.value)) return notLowerable(`cell "${forest.name}" is not an array of trees`, map.path);
  const trees = forest.value as unknown[];
  // a.mean of no trees is 0/0 in PFA; an empty Segmentation is no model at all
  if (trees.length === 0) return notLowerable(`cell "${forest.name}" holds no trees`, map.path);
  const lowered = trees.map((t, k) => lowerTree(ctx, t, (forest.type as { items: AvroType }).items, `${map.path}/${forest.name}[${k}]`));
  let target = lowered[0]!.target;
  let vote: { categories: string[] } | undefined;
  if (method === "majorityVote") {
    if (target.dataType !== "string") return notLowerable("a.mode of trees whose leaves are not strings", map.path);
    const categories = [...new Set(lowered.flatMap((l) => l.target.categories))];
    target = { ...target, categories };
    if (!voteWithoutTies(trees.length, categories.length)) vote = { categories };
  } else if (target.dataType !== "double") return notLowerable(`${REDUCER[method]} of trees whose leaves are not numbers`, map.path);
  const model: MiningModel = {
    kind: "mining",
    ...loweredModelBase(method === "majorityVote" ? "classification" : "regression", e.path),
    multipleModelMethod: method,
    missingPredictionTreatment: "continue",
    missingThreshold: 1,
    segments: lowered.map((l, k) => ({ id: String(k + 1), weight: 1, predicate: { kind: "true" }, model: l.model, path: l.model.path })),
  };
  return { kind: "scored", model, target, datum: { kind: "record" }, ...(vote && { vote }) };
}

/**
 * The datum of a model over a vector: `input` (an array input) or `new` array of numeric input
 * fields (an int field through `cast.double`), or a variable bound to one.
 */
export function lowerDatum(ctx: LowerContext, arg: Arg, length: number, path: string): Datum {
  const e = ctx.env.deref(arg);
  if (isRef(e, "input")) {
    if (ctx.inputType.kind !== "array") return notLowerable("a record input used as a vector", e.path);
    return { kind: "array", length };
  }
  if (e.kind !== "new" || e.content.shape !== "array") return notLowerable("a datum other than input or a new array of input fields", path);
  const fields = e.content.items.map((item, k) => {
    const cast = callOf(item, "cast.double");
    const f = fieldOf(cast?.args.length === 1 ? cast.args[0]! : item);
    if (f?.base !== "input") return notLowerable("a datum element other than an input field", `${e.newPath}/${k}`);
    const t = recordFields(ctx).get(f.field);
    if (!t || (t.kind !== "double" && t.kind !== "float" && t.kind !== "int"))
      return notLowerable(`input field "${f.field}" is not a number`, `${e.newPath}/${k}`);
    return f.field;
  });
  if (fields.length !== length) return notLowerable(`a datum of ${fields.length} elements for parameters of ${length}`, e.path);
  return { kind: "fields", fields };
}

export function numbers(v: unknown): v is number[] {
  return Array.isArray(v) && v.every((x) => typeof x === "number" && Number.isFinite(x));
}

const LINKS: Readonly<Record<string, RegressionNormalization>> = {
  // only links whose IR inverse is PFA's formula, operation for operation (PFA's loglog is
  // exp(−exp(x)), PMML's exp(−exp(−y)); probit and cauchit round differently)
  "m.link.logit": "logit",
  "m.link.cloglog": "cloglog",
};

function lowerRegression(ctx: LowerContext, e: Arg, normalizationMethod: RegressionNormalization): ModelValue {
  const call = callOf(e, "model.reg.linear");
  if (call?.args.length !== 2) return notLowerable("a link of something other than model.reg.linear", e.path);
  const m = cellValue(ctx, call.args[1]!, call.path);
  const params = m.value as Record<string, unknown>;
  // one output (coeff an array of numbers, const a number); the matrix and map signatures are not lowered
  if (m.type.kind !== "record" || !numbers(params.coeff) || typeof params.const !== "number") {
    return notLowerable(`cell "${m.name}" is not {coeff: array<double>, const: double}`, call.path);
  }
  const coeff = params.coeff;
  const datum = lowerDatum(ctx, call.args[0]!, coeff.length, call.path);
  const fields = datumFields(datum);
  const model: RegressionModel = {
    kind: "regression",
    ...loweredModelBase("regression", call.path),
    normalizationMethod,
    tables: [
      {
        intercept: params.const,
        numericPredictors: fields.map((field, k) => ({ field, exponent: 1, coefficient: coeff[k]! })),
        categoricalPredictors: [],
        predictorTerms: [],
      },
    ],
  };
  return { kind: "scored", model, target: { dataType: "double", opType: "continuous", categories: [] }, datum };
}

function lowerClosest(ctx: LowerContext, e: Arg): ModelValue | undefined {
  const call = callOf(e, "model.cluster.closest");
  if (!call) return undefined;
  if (call.args.length !== 2) return notLowerable("model.cluster.closest with a metric of its own", call.path);
  const c = cellValue(ctx, call.args[1]!, call.path);
  const clusters = c.value as Record<string, unknown>[];
  if (c.type.kind !== "array" || c.type.items.kind !== "record" || !Array.isArray(clusters) || clusters.length === 0) {
    return notLowerable(`cell "${c.name}" is not a non-empty array of cluster records`, call.path);
  }
  const centers = clusters.map((k) => k.center);
  if (!centers.every(numbers)) return notLowerable("cluster centers that are not arrays of numbers", call.path);
  const length = (centers[0] as number[]).length;
  // PFA's closest compares over the shorter of datum and center: equal lengths keep that the IR's
  if (!centers.every((x) => (x as number[]).length === length)) return notLowerable("cluster centers of different lengths", call.path);
  return { kind: "cluster", clusters, clusterType: c.type.items, datum: lowerDatum(ctx, call.args[0]!, length, call.path), path: call.path };
}

/** The IR field names a datum reads, in order. */
export function datumFields(d: Datum): readonly string[] {
  switch (d.kind) {
    case "record":
      return [];
    case "fields":
      return d.fields;
    case "array":
      return Array.from({ length: d.length }, (_, k) => elementName(k));
  }
}

/** The model an expression calls, or undefined when it is not a recognised model call. */
export function lowerModelCall(ctx: LowerContext, e: Arg): ModelValue | undefined {
  const treeArg = treeCallArg(e);
  if (treeArg) {
    const cell = cellValue(ctx, treeArg, e.path);
    const { model, target } = lowerTree(ctx, cell.value, cell.type, e.path);
    return { kind: "scored", model, target, datum: { kind: "record" } };
  }
  const mode = callOf(e, "a.mode");
  if (mode && mode.args.length === 1) return lowerNearestK(ctx, mode.args[0]!, "majorityVote", e.path) ?? lowerForest(ctx, mode.args[0]!, "majorityVote");
  const mean = callOf(e, "a.mean") ?? callOf(e, "a.sum");
  if (mean && mean.args.length === 1) {
    const knn = mean.name === "a.mean" ? lowerNearestK(ctx, mean.args[0]!, "average", e.path) : undefined;
    return knn ?? lowerForest(ctx, mean.args[0]!, mean.name === "a.mean" ? "average" : "sum");
  }
  // before the links: m.link.logit(layers[0]) is a network's, not a regression's
  const neural = lowerNeural(ctx, e);
  if (neural) return neural;
  if (e.kind === "call" && Object.hasOwn(LINKS, e.name) && e.args.length === 1) return lowerRegression(ctx, e.args[0]!, LINKS[e.name]!);
  if (callOf(e, "model.reg.linear")) return lowerRegression(ctx, e, "none");
  return lowerClosest(ctx, e);
}

/** The ClusteringModel of a closest call whose winner is reported by `idField` (undefined: by position). */
export function clusteringModel(v: Extract<ModelValue, { kind: "cluster" }>, idField: string | undefined): ClusteringModel {
  const fields = datumFields(v.datum);
  const clusters: Cluster[] = v.clusters.map((c, k) => {
    const id = idField === undefined ? String(k + 1) : c[idField];
    if (typeof id !== "string") return notLowerable(`cluster field "${idField}" is not a string`, v.path);
    return { id, center: (c.center as number[]).map(String), path: `${v.path}/clusters/${k}` };
  });
  return {
    kind: "clustering",
    ...loweredModelBase("clustering", v.path),
    modelClass: "centerBased",
    measure: { kind: "distance", measure: { kind: "squaredEuclidean" }, compareFunction: "absDiff", path: v.path },
    fields: fields.map((field) => ({ kind: "comparisonField", field, fieldWeight: 1, isCenterField: true, path: v.path })),
    clusters,
  };
}
