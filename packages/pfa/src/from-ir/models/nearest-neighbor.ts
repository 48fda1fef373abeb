import type { NearestNeighborModel, Pipeline, TargetInfo, Value } from "@porta/ir";
import { compareValues, lowerNearestNeighbor, parseNumber } from "@porta/ir";
import { type Block, type Code, type Json, cannotConvert, literal } from "../code.ts";
import type { Env } from "../fields.ts";
import { category, type ModelCode } from "./result.ts";

const ARRAY: Json = { type: "array", items: "double" };

/**
 * NearestNeighborModel (PMML 4.4 §NearestNeighborModel) over numeric inputs, as the interpreter's
 * evaluateNearestNeighbor: each training instance's distance by the comparison measure's
 * arithmetic (fieldWeight·|x − y|^p summed in field order, missing inputs skipped and the sum
 * scaled by the MissingValueWeights adjustment, then the outer root), the k nearest by
 * a.argminN (equal distances in row order, as the interpreter's stable sort), then
 * average / median / weightedAverage (Σ in rank order) or a (weighted) majority vote whose ties go
 * to the category most frequent in the training data, then the smallest (categories ordered so,
 * a.argmax takes the first largest). The training instances are cells. A NaN distance (every
 * input missing) ranks last in PFA but by row in the interpreter: such rows may differ.
 */
export function convertNearestNeighbor(model: NearestNeighborModel, target: TargetInfo, env: Env, block: Block, pipeline: Pipeline): ModelCode {
  const plan = lowerNearestNeighbor(model);
  const cmp = plan.comparison;
  const where = "NearestNeighborModel";
  if (cmp.kind !== "distance") return cannotConvert(`${where}/ComparisonMeasure/${cmp.measure}`, "similarity measures are not converted", model.path);
  if (cmp.maximum) return cannotConvert(`${where}/ComparisonMeasure/chebychev`, "the maximum distance is not converted", model.path);
  if (model.functionName === "clustering" || target.name === null)
    return cannotConvert(where, "a k-NN without a target (clustering) is not converted", model.path);
  if (plan.numberOfNeighbors < 1 || model.rows.length === 0) return cannotConvert(where, "no neighbours to score by", model.path);
  const number = (row: Readonly<Record<string, string>>, field: string): number => {
    const column = plan.columns.get(field);
    const cell = column === undefined ? undefined : row[column];
    const n = cell === undefined ? undefined : parseNumber(cell);
    if (n === undefined || Number.isNaN(n))
      return cannotConvert(`${where}/TrainingInstances`, `a training value of "${field}" that is missing or not a number`, model.path);
    return n;
  };
  const inputs = cmp.fields.map((f) => {
    if (f.compare.fn !== "absDiff") return cannotConvert(`KNNInput@compareFunction=${f.compare.fn}`, "not converted", f.path);
    const data = pipeline.dataFields.find((d) => d.name === f.field);
    if (data?.dataType !== "double") return cannotConvert(`KNNInput[@field=${f.field}]`, "a KNN input that is not a double DataField is not converted", f.path);
    const x = env.resolve(f.field);
    if (x.type !== "double") return cannotConvert(`KNNInput[@field=${f.field}]`, "a non-numeric input is not converted", f.path);
    return block.bind(x, "kx");
  });
  const points = block.fresh("knnPoints");
  block.cells[points] = { type: { type: "array", items: ARRAY }, init: model.rows.map((row) => cmp.fields.map((f) => finite(number(row, f.field)))) };

  // adjustment = Σqᵢ / Σqᵢ·[xᵢ present], the present weights summed in field order
  const present: Json = inputs
    .map((x, i): Json => {
      const w = literal(cmp.missingValueWeights[i]!, "double").expr;
      return x.nullable ? { ifnotnull: { [block.fresh("q")]: x.expr }, then: w, else: { double: 0 } } : w;
    })
    .reduce((a, b) => ({ "+": [a, b] }));
  const adjust = block.bind({ expr: { "/": [literal(cmp.totalWeight, "double").expr, present] }, type: "double", nullable: false }, "adjust");
  const p = block.fresh("point");
  const terms = cmp.fields.map((f, q): Json => {
    const x = inputs[q]!;
    const name = block.fresh("x");
    const c: Json = { "m.abs": { "-": [x.nullable ? name : x.expr, { attr: p, path: [{ int: q }] }] } };
    const powered: Json = { "**": [c, literal(cmp.inner, "double").expr] };
    const term: Json = f.fieldWeight === 1 ? powered : { "*": [powered, literal(f.fieldWeight, "double").expr] };
    return x.nullable ? { ifnotnull: { [name]: x.expr }, then: term, else: { double: 0 } } : term;
  });
  const adjusted: Json = { "*": [terms.reduce((a, b) => ({ "+": [a, b] })), adjust.expr] };
  const distance: Json = cmp.outer === 1 ? adjusted : cmp.outer === 0 ? { "m.exp": adjusted } : { "**": [adjusted, literal(1 / cmp.outer, "double").expr] };
  const d = block.bind(
    { expr: { "a.map": [{ cell: points }, { params: [{ [p]: ARRAY }], ret: "double", do: distance }] }, type: "double", nullable: false },
    "dists",
  );
  const nearest = block.bind({ expr: { "a.argminN": [d.expr, { int: plan.numberOfNeighbors }] }, type: "int", nullable: false }, "nearest");
  const ids = block.fresh("knnIds");
  block.cells[ids] = { type: { type: "array", items: "string" }, init: [...plan.ids] };
  const entityId: Code = block.bind({ expr: { cell: ids, path: [{ attr: nearest.expr, path: [{ int: 0 }] }] }, type: "string", nullable: false }, "entity");
  const i = block.fresh("i");
  const overNearest = (body: Json): Json => ({ "a.map": [nearest.expr, { params: [{ [i]: "int" }], ret: "double", do: body }] });
  const weight: Json = { "/": [{ double: 1 }, { "+": [{ attr: d.expr, path: [i] }, literal(plan.threshold, "double").expr] }] };
  const continuous =
    model.functionName === "regression" ||
    (model.functionName !== "classification" && (model.miningSchema.find((f) => f.name === target.name)?.opType ?? target.opType) === "continuous");
  if (continuous) {
    const ysCell = block.fresh("knnY");
    block.cells[ysCell] = { type: ARRAY, init: model.rows.map((row) => finite(number(row, target.name!))) };
    const y: Json = { cell: ysCell, path: [i] };
    const value: Json =
      plan.continuousScoringMethod === "average"
        ? { "a.mean": overNearest(y) }
        : plan.continuousScoringMethod === "median"
          ? { "a.median": overNearest(y) }
          : { "/": [{ "a.sum": overNearest({ "*": [y, weight] }) }, { "a.sum": overNearest(weight) }] };
    return { value: block.bind({ expr: value, type: "double", nullable: false }, "knn"), entityId };
  }
  if (target.dataType !== "string") return cannotConvert(`${where}@functionName=classification`, "a non-string target is not converted", model.path);
  const column = plan.columns.get(target.name);
  const labels = model.rows.map((row) => {
    const y = column === undefined ? undefined : row[column];
    if (y === undefined) return cannotConvert(`${where}/TrainingInstances`, "a training instance without a target value", model.path);
    return y;
  });
  // Ties: the category with most training cases, then the smallest (the interpreter's order).
  const counts = new Map<string, number>();
  for (const y of labels) counts.set(y, (counts.get(y) ?? 0) + 1);
  const typed = (y: string): Value => category(y, target);
  const order = [...counts.keys()].sort((a, b) => counts.get(b)! - counts.get(a)! || compareValues(typed(a), typed(b)));
  const rank = new Map(order.map((c, k) => [c, k]));
  const classes = block.fresh("knnClass");
  block.cells[classes] = { type: { type: "array", items: "int" }, init: labels.map((y) => rank.get(y)!) };
  const w: Json = plan.categoricalScoringMethod === "weightedMajorityVote" ? weight : { double: 1 };
  const votes: Json = {
    new: order.map((_c, k) => ({ "a.sum": overNearest({ if: { "==": [{ cell: classes, path: [i] }, { int: k }] }, then: w, else: { double: 0 } }) })),
    type: ARRAY,
  };
  const names: Json = { type: { type: "array", items: "string" }, value: order };
  const value = block.bind({ expr: { attr: names, path: [{ "a.argmax": [votes] }] }, type: "string", nullable: false }, "knn");
  return { value, categories: order.map(typed), probabilities: { type: ["null", ARRAY], value: null }, entityId };
}

function finite(x: number): Json {
  if (!Number.isFinite(x)) return cannotConvert("NearestNeighborModel/TrainingInstances", "an infinite training value is not converted");
  return x;
}
