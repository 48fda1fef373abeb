import type { MiningModel, TargetInfo, Value } from "@porta/ir";
import { type Block, type Code, type Json, cannotConvert, jsonNumber, literal, missing } from "../code.ts";
import type { ModelEnv } from "../fields.ts";
import type { ModelRunCode } from "../outputs.ts";
import { convertModel, type Conversion, type FamilyCode } from "./index.ts";
import { category } from "./result.ts";

/**
 * MiningModel (PMML 4.4 §MultipleModels) as generated code: each segment's model converted in
 * the MiningModel's scope, then combined in segment order with JPMML's arithmetic (the
 * interpreter's evaluateMining). Segments whose predicate is not the constant TRUE are refused
 * except where a chain is fixed by it (selectFirst's first segment).
 */
export function convertMining(model: MiningModel, target: TargetInfo, env: ModelEnv, cx: Conversion): FamilyCode {
  const what = `Segmentation@multipleModelMethod=${model.multipleModelMethod}`;
  if (model.mathContext === "float") cannotConvert("MiningModel@mathContext=float", "single-precision aggregation is not converted", model.path);
  if (model.missingPredictionTreatment === "skipSegment") cannotConvert("Segmentation@missingPredictionTreatment=skipSegment", "not converted", model.path);
  const method = model.multipleModelMethod;
  // Under returnMissing a missing prediction stops the later segments, which an OutputField naming one would see.
  if (model.missingPredictionTreatment === "returnMissing" && model.output.some((f) => f.segmentId !== undefined))
    cannotConvert("OutputField@segmentId", "outputs of one segment under missingPredictionTreatment=returnMissing are not converted", model.path);
  const segmentRuns = new Map<string, ModelRunCode>();
  const run = (i: number): ModelRunCode => {
    const r = convertModel(model.segments[i].model, env, true, cx);
    // The interpreter's segmentId: Segment/@id, else the position from 1 (JPMML).
    segmentRuns.set(model.segments[i].id ?? String(i + 1), r);
    return r;
  };
  if (method === "selectFirst") {
    const first = model.segments[0];
    if (first?.predicate.kind !== "true") cannotConvert(what, "a first segment whose predicate is not True is not converted", model.path);
    const r = run(0);
    return { code: r.code, passThrough: true, segmentOutputs: r.outputs, segmentRuns };
  }
  if (model.segments.some((s) => s.predicate.kind !== "true"))
    cannotConvert("Segment/Predicate", `${method} over segments with predicates other than True is not converted`, model.path);
  if (model.segments.length === 0) cannotConvert("Segmentation", "has no segments", model.path);
  if (method === "modelChain") {
    let last: ModelRunCode | undefined;
    for (let i = 0; i < model.segments.length; i++) {
      last = run(i);
      // Each segment's OutputFields are fields of the later segments (§modelChain).
      for (const [name, code] of last.outputs) env.define(name, code);
    }
    return { code: last!.code, passThrough: true, segmentOutputs: last!.outputs, segmentRuns };
  }
  const runs = model.segments.map((_, i) => run(i));
  const weights = model.segments.map((s) => s.weight);
  if (weights.some((w) => w < 0)) cannotConvert("Segment@weight", "a negative weight is not converted", model.path);
  switch (model.functionName) {
    case "regression":
      return { code: { value: aggregateValues(model, runs, weights, cx.block) }, segmentRuns };
    case "classification":
      if (method === "majorityVote" || method === "weightedMajorityVote") return { code: vote(model, runs, weights, target, cx.block), segmentRuns };
      if (method === "average" || method === "weightedAverage") return { code: averageProbabilities(model, runs, weights, target, cx.block), segmentRuns };
      return cannotConvert(what, "not converted for classification", model.path);
    case "clustering": {
      if (method !== "majorityVote" && method !== "weightedMajorityVote") return cannotConvert(what, "not converted for clustering", model.path);
      // A clustering vote answers the winner (and its id), no probabilities.
      const { value } = vote(model, runs, weights, target, cx.block);
      return { code: { value, entityId: value }, segmentRuns };
    }
    default:
      return cannotConvert(what, `not converted for ${model.functionName}`, model.path);
  }
}

/** sum, weightedSum, average, weightedAverage of segment values; any missing value makes the result missing (continue/returnMissing). */
function aggregateValues(model: MiningModel, runs: ModelRunCode[], weights: number[], block: Block): Code {
  const method = model.multipleModelMethod;
  const values = runs.map((r) => r.code.value);
  if (values.some((v) => v.type !== "double")) cannotConvert(`Segmentation@multipleModelMethod=${method}`, "a segment predicts a non-number", model.path);
  const weighted = (x: Json, w: number): Json => (w === 1 ? x : { "*": [literal(w, "double").expr, x] });
  const names = values.map((v) => (v.nullable ? block.fresh("sv") : (v.expr as string)));
  const bindings: Record<string, Json> = {};
  values.forEach((v, i) => {
    if (v.nullable) bindings[names[i]] = v.expr;
  });
  const sum = (xs: Json[]): Json => xs.reduce((a, b) => ({ "+": [a, b] }));
  let body: Json;
  switch (method) {
    case "sum":
      body = sum(names);
      break;
    case "weightedSum":
      body = sum(names.map((x, i) => weighted(x, weights[i])));
      break;
    case "average":
      body = { "/": [sum(names), literal(names.length, "double").expr] };
      break;
    case "weightedAverage": {
      let w = 0;
      for (const x of weights) w += x;
      if (w === 0) cannotConvert("Segment@weight", "weights summing to zero are not converted", model.path);
      body = { "/": [sum(names.map((x, i) => weighted(x, weights[i]))), { double: jsonNumber(w) }] };
      break;
    }
    default:
      return cannotConvert(`Segmentation@multipleModelMethod=${method}`, "not converted for regression", model.path);
  }
  // The sum is bound in steps: a forest of hundreds of trees would otherwise nest hundreds deep.
  const code: Code =
    Object.keys(bindings).length === 0
      ? { expr: body, type: "double", nullable: false }
      : { expr: { ifnotnull: bindings, then: body, else: missing("double").expr }, type: "double", nullable: true };
  return block.bind(code, "agg");
}

/** The union of the segments' categories: the target's declared values first, then each segment's in order. */
function categoriesOf(runs: ModelRunCode[], target: TargetInfo): Value[] {
  const out: Value[] = [...target.categories];
  for (const r of runs) {
    for (const c of r.code.categories ?? []) {
      const typed = typeof c === "string" && target.dataType !== "string" ? category(c, target) : c;
      if (!out.some((k) => String(k) === String(typed))) out.push(typed);
    }
  }
  return out;
}

/**
 * majorityVote / weightedMajorityVote: votes per category in segment order; the most votes
 * wins, the category seen first among equals; missing votes beyond the winner's make it missing;
 * probabilities are the votes over their sum (the interpreter's voteResult).
 */
function vote(model: MiningModel, runs: ModelRunCode[], weights: number[], target: TargetInfo, block: Block): import("./result.ts").ModelCode {
  const categories = categoriesOf(runs, target);
  const type = categories.every((c) => typeof c === "number") ? "double" : "string";
  const preds = runs.map((r) => {
    if (r.code.value.type !== type)
      cannotConvert("Segmentation@multipleModelMethod=majorityVote", "segments predict values of another type than the target", model.path);
    return r.code.value;
  });
  return voteOver(preds, model.multipleModelMethod === "weightedMajorityVote" ? weights : preds.map(() => 1), categories, block);
}

/**
 * Votes of several predictions (a MiningModel's segments, one-against-one SVM machines): each
 * category's votes summed in order, the most votes winning, the category voted for first among
 * equals; missing votes beyond the winner's make the result missing; probabilities are vote shares.
 */
export function voteOver(preds: readonly Code[], weights: readonly number[], categories: readonly Value[], block: Block): import("./result.ts").ModelCode {
  const type = categories.every((c) => typeof c === "number") ? "double" : "string";
  const w = (i: number) => literal(weights[i], "double").expr;
  const lit = (c: Value) => literal(type === "double" ? Number(c) : String(c), type).expr;
  const votes: string[] = [];
  const firsts: string[] = [];
  // Per category: its votes (summed in segment order) and the first segment that gave it.
  const is = (pred: Code, c: Value): Json => {
    const q = block.fresh("q");
    return pred.nullable ? { ifnotnull: { [q]: pred.expr }, then: { "==": [q, lit(c)] }, else: false } : { "==": [pred.expr, lit(c)] };
  };
  const NEVER = preds.length;
  categories.forEach((c) => {
    const hits = preds.map((p) => block.bind({ expr: is(p, c), type: "boolean", nullable: false }, "hit").expr);
    const v = block.bind(
      { expr: hits.map((h, i): Json => ({ if: h, then: w(i), else: { double: 0 } })).reduce((a, b) => ({ "+": [a, b] })), type: "double", nullable: false },
      "votes",
    );
    votes.push(v.expr as string);
    let first: Json = { int: NEVER };
    for (let i = hits.length - 1; i >= 0; i--) first = { if: hits[i], then: { int: i }, else: first };
    firsts.push(block.bind({ expr: first, type: "int", nullable: false }, "first").expr as string);
  });
  const missingVotes = block.bind(
    {
      expr: preds
        .map((p, i): Json => (p.nullable ? { ifnotnull: { [block.fresh("q")]: p.expr }, then: { double: 0 }, else: w(i) } : { double: 0 }))
        .reduce((a, b) => ({ "+": [a, b] })),
      type: "double",
      nullable: false,
    },
    "missingVotes",
  );
  // The winner: most votes, then earliest first appearance; categories never voted for cannot win.
  let best = block.bind({ expr: { int: -1 }, type: "int", nullable: false }, "best");
  categories.forEach((_, j) => {
    const better: Json = {
      "&&": [
        { "<": [firsts[j], { int: NEVER }] },
        {
          "||": [
            { "==": [best.expr, { int: -1 }] },
            {
              "||": [
                { ">": [votes[j], { attr: voteArray(votes), path: [best.expr] }] },
                {
                  "&&": [
                    { "==": [votes[j], { attr: voteArray(votes), path: [best.expr] }] },
                    { "<": [firsts[j], { attr: intArray(firsts), path: [best.expr] }] },
                  ],
                },
              ],
            },
          ],
        },
      ],
    };
    best = block.bind({ expr: { if: better, then: { int: j }, else: best.expr }, type: "int", nullable: false }, "best");
  });
  const total = block.bind(
    {
      expr: votes.map((v, j): Json => ({ if: { "<": [firsts[j], { int: NEVER }] }, then: v, else: { double: 0 } })).reduce((a, b) => ({ "+": [a, b] })),
      type: "double",
      nullable: false,
    },
    "total",
  );
  const noWinner: Json = { "||": [{ "==": [best.expr, { int: -1 }] }, { ">": [missingVotes.expr, { attr: voteArray(votes), path: [best.expr] }] }] };
  const table: Json =
    type === "string"
      ? { type: { type: "array", items: "string" }, value: categories.map(String) }
      : { type: { type: "array", items: "double" }, value: categories.map((c) => jsonNumber(Number(c))) };
  const value = block.bind(
    { expr: { if: noWinner, then: missing(type).expr, else: { upcast: { attr: table, path: [best.expr] }, as: ["null", type] } }, type, nullable: true },
    "vote",
  );
  const probs = block.fresh("probs");
  block.statements.push({
    let: {
      [probs]: {
        if: noWinner,
        then: { type: ["null", { type: "array", items: "double" }], value: null },
        else: {
          upcast: { new: votes.map((v): Json => ({ "/": [v, total.expr] })), type: { type: "array", items: "double" } },
          as: ["null", { type: "array", items: "double" }],
        },
      },
    },
  });
  return { value, categories: categories.map((c) => (type === "double" ? Number(c) : String(c))), probabilities: probs };
}

const voteArray = (votes: string[]): Json => ({ new: votes, type: { type: "array", items: "double" } });
const intArray = (xs: string[]): Json => ({ new: xs, type: { type: "array", items: "int" } });

/** average / weightedAverage of the segments' probability distributions; the winner the first most probable category. */
function averageProbabilities(model: MiningModel, runs: ModelRunCode[], weights: number[], target: TargetInfo, block: Block): import("./result.ts").ModelCode {
  const categories = categoriesOf(runs, target);
  const type = categories.every((c) => typeof c === "number") ? "double" : "string";
  const bindings: Record<string, Json> = {};
  const dists = runs.map((r, i) => {
    if (!r.code.probabilities || !r.code.categories)
      return cannotConvert("Segmentation@multipleModelMethod=average", "a segment gives no probabilities", model.path);
    const name = block.fresh("dist");
    bindings[name] = r.code.probabilities;
    // A missing prediction makes the result missing (continue/returnMissing).
    if (r.code.value.nullable) bindings[block.fresh("g")] = r.code.value.expr;
    const index = new Map(r.code.categories.map((c, k) => [String(typeof c === "string" && target.dataType !== "string" ? category(c, target) : c), k]));
    return { name, index, weight: weights[i] };
  });
  const weighted = model.multipleModelMethod === "weightedAverage";
  let weightSum = 0;
  for (const d of dists) weightSum += d.weight;
  if (weighted && weightSum === 0) cannotConvert("Segment@weight", "weights summing to zero are not converted", model.path);
  const averaged = categories.map((c): Json => {
    const terms = dists.map((d): Json => {
      const k = d.index.get(String(c));
      const p: Json = k === undefined ? { double: 0 } : { attr: d.name, path: [{ int: k }] };
      return weighted && d.weight !== 1 ? { "*": [literal(d.weight, "double").expr, p] } : p;
    });
    return { "/": [terms.reduce((a, b) => ({ "+": [a, b] })), literal(weighted ? weightSum : dists.length, "double").expr] };
  });
  const probs = block.fresh("probs");
  block.statements.push({
    let: {
      [probs]: {
        ifnotnull: bindings,
        then: { upcast: { new: averaged, type: { type: "array", items: "double" } }, as: ["null", { type: "array", items: "double" }] },
        else: { type: ["null", { type: "array", items: "double" }], value: null },
      },
    },
  });
  const table: Json =
    type === "string"
      ? { type: { type: "array", items: "string" }, value: categories.map(String) }
      : { type: { type: "array", items: "double" }, value: categories.map((c) => jsonNumber(Number(c))) };
  const k = block.fresh("k");
  const value = block.bind(
    {
      expr: { ifnotnull: { [k]: probs }, then: { upcast: { attr: table, path: [{ "a.argmax": [k] }] }, as: ["null", type] }, else: null },
      type,
      nullable: true,
    },
    "avg",
  );
  return { value, categories: categories.map((c) => (type === "double" ? Number(c) : String(c))), probabilities: probs };
}
