/**
 * The k-nearest-neighbours shape (Hadrian's wiki, sklearn-to-pfa):
 *   var neighbors = model.neighbor.nearestK(k, datum, codebook,
 *                     fcn(x: array(double), p: Point -> double) metric.simpleEuclidean(x, p.x));
 *   a.mode(a.map(neighbors, fcn(p: Point -> string) p.y))     // classification
 *   a.mean(a.map(neighbors, fcn(p: Point -> double) p.y))     // regression
 * over a cell of points → an IR NearestNeighborModel (euclidean, majorityVote / average).
 *
 * Exact: the IR's euclidean is pow(Σ |x − y|², ½), PFA's √Σ (x − y)²: the same squares summed in
 * the same order, and V8's pow(s, 0.5) is its sqrt(s). Both rank by distance, equal distances in
 * codebook order (nearestK's insertion keeps order; the IR sorts by distance, then row). a.mean
 * sums from 0 in rank order and divides by the count, as the IR's average. a.mode only where no
 * tie can happen (mode.ts). More neighbours than points: both take every point.
 */
import type { NearestNeighborModel } from "@porta/ir";
import type { ExprNode, FcnArgNode } from "../ast/nodes.ts";
import { loweredModelBase } from "./model-base.ts";
import { tieReason, voteWithoutTies } from "./mode.ts";
import { cellValue, datumFields, lowerDatum, numbers, type LowerContext, type ModelValue } from "./models.ts";
import { notLowerable } from "./refusal.ts";
import { callOf, fieldOf, inlineFunction, isRef } from "./shapes.ts";

type Arg = ExprNode | FcnArgNode;

/** The training table's column of the label (the point columns are p0, p1, …). */
const LABEL_COLUMN = "label";

/** k: an int literal or an int cell. */
function neighbours(ctx: LowerContext, e: Arg, path: string): number {
  let k: unknown;
  if (e.kind === "literal" && e.type === "int") k = e.value;
  else {
    const cell = cellValue(ctx, e, path);
    if (cell.type.kind === "int") k = cell.value;
  }
  if (typeof k !== "number" || !(k >= 1)) return notLowerable(`a number of neighbours that is not a positive int literal or int cell (${String(k)})`, e.path);
  return k;
}

/**
 * `a.map(nearestK(...), fcn(p) -> p.label)` (or a variable bound to either) → the model;
 * undefined when the array mapped is not a nearestK call (another recogniser's shape).
 */
export function lowerNearestK(ctx: LowerContext, arg: Arg, method: "majorityVote" | "average", path: string): ModelValue | undefined {
  const map = callOf(ctx.env.deref(arg), "a.map");
  const call = map?.args.length === 2 ? callOf(ctx.env.deref(map.args[0]!), "model.neighbor.nearestK") : undefined;
  if (!map || !call) return undefined;
  if (call.args.length !== 4) return notLowerable("model.neighbor.nearestK over bare vectors (no labels to vote or average)", call.path);
  const each = inlineFunction(map.args[1]!, 1, map.path);
  const label = fieldOf(each.body);
  if (label?.base !== each.params[0]) return notLowerable("a.map of the neighbours to something other than one field of each", map.path);
  const metric = inlineFunction(call.args[3]!, 2, call.path);
  const d = callOf(metric.body, "metric.simpleEuclidean");
  const [x, p] = metric.params as [string, string];
  const pointOf = (a: Arg, b: Arg) => (isRef(a, x) && fieldOf(b)?.base === p ? fieldOf(b)!.field : undefined);
  const pointField = d?.args.length === 2 ? (pointOf(d.args[0]!, d.args[1]!) ?? pointOf(d.args[1]!, d.args[0]!)) : undefined;
  if (pointField === undefined) return notLowerable("a nearestK metric other than metric.simpleEuclidean(datum, point.field)", metric.def.path);
  const codebook = cellValue(ctx, call.args[2]!, call.path);
  const points = codebook.value as Record<string, unknown>[];
  if (!Array.isArray(points) || points.length === 0) return notLowerable(`cell "${codebook.name}" holds no points`, call.path);
  const vectors = points.map((q) => q[pointField]);
  if (!vectors.every(numbers)) return notLowerable(`points of cell "${codebook.name}" whose "${pointField}" is not an array of finite numbers`, call.path);
  const length = (vectors[0] as number[]).length;
  // simpleEuclidean raises 28000 on vectors of different lengths: every row would fail
  if (!vectors.every((v) => (v as number[]).length === length)) return notLowerable(`points of cell "${codebook.name}" of different lengths`, call.path);
  const labels = points.map((q) => q[label.field]);
  const classification = method === "majorityVote";
  if (classification ? !labels.every((l) => typeof l === "string") : !labels.every((l) => typeof l === "number" && Number.isFinite(l))) {
    return notLowerable(`labels "${label.field}" of cell "${codebook.name}" that are not ${classification ? "strings" : "finite numbers"}`, map.path);
  }
  const k = Math.min(neighbours(ctx, call.args[0]!, call.path), points.length);
  const categories = classification ? [...new Set(labels as string[])] : [];
  if (classification && !voteWithoutTies(k, categories.length)) return notLowerable(tieReason(k, categories.length), path);
  const datum = lowerDatum(ctx, call.args[1]!, length, call.path);
  const fields = datumFields(datum);
  const model: NearestNeighborModel = {
    kind: "nearestNeighbor",
    ...loweredModelBase(classification ? "classification" : "regression", call.path),
    numberOfNeighbors: k,
    continuousScoringMethod: "average",
    categoricalScoringMethod: "majorityVote",
    threshold: 0.001,
    measure: { kind: "distance", measure: { kind: "euclidean" }, compareFunction: "absDiff", path: call.path },
    inputs: fields.map((field) => ({ kind: "comparisonField", field, fieldWeight: 1, path: call.path })),
    instanceFields: fields.map((field, q) => ({ field, column: `p${q}` })),
    // String(number) is the shortest text that reads back as the same double
    rows: points.map((_, r) => ({
      ...Object.fromEntries((vectors[r] as number[]).map((v, q) => [`p${q}`, String(v)])),
      [LABEL_COLUMN]: String(labels[r]),
    })),
  };
  return {
    kind: "scored",
    model,
    target: classification ? { dataType: "string", opType: "categorical", categories } : { dataType: "double", opType: "continuous", categories: [] },
    datum,
    lengthError: { code: "PFA_RUNTIME_ERROR", message: "dimensions of vectors do not match", pfaCode: 28000 },
    bindTarget: (field) => {
      model.instanceFields.push({ field, column: LABEL_COLUMN });
    },
  };
}
