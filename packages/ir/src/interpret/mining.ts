import type { MiningModel, Segment } from "../models/mining.ts";
import { resultOutputFields, type ModelNode, type ModelResult, type OutputField } from "../model.ts";

// Lives in model.ts (no interpreter needed): @porta/backend reads it without loading the interpreter.
export { resultOutputFields };
import { EvaluationError, SchemaError, UnsupportedFeatureError } from "../errors.ts";
import { formatValue, toNumber, type Value } from "../values.ts";
import { evaluatePredicate } from "./predicate.ts";
import type { ModelScope } from "./scope.ts";
import { runModel, type ModelRun } from "./model.ts";
import { outputValue } from "./output.ts";
import { evaluateExpr } from "./expression.ts";
import { toCategory, type TargetInfo } from "./target.ts";
import { addFloat, divideFloat, multiplyFloat, sumFloat } from "./single-precision.ts";

/**
 * What a MiningModel leaves in `ModelResult.extras` for Output (see interpret/output.ts):
 * the run of every segment that was evaluated, by segment id (OutputField/@segmentId), and the
 * OutputFields of the segment whose result is passed through (selectFirst, modelChain), which
 * JPMML reports with the MiningModel's own.
 */
export type SegmentationExtras = {
  segmentRuns: Map<string, ModelRun>;
  segmentOutputs?: Map<string, Value>;
  /** The result is a segment's own, already post-processed by that segment's Targets. */
  passThrough?: boolean;
};

interface SegmentOutcome {
  segment: Segment;
  id: string;
  run: ModelRun;
  /** The segment's prediction (its target value; a clustering segment's cluster). */
  value: Value;
}

const METHODS_BY_FUNCTION: Record<string, readonly string[]> = {
  regression: ["average", "weightedAverage", "median", "weightedMedian", "sum", "weightedSum"],
  classification: ["majorityVote", "weightedMajorityVote", "average", "weightedAverage", "median", "max"],
  clustering: ["majorityVote", "weightedMajorityVote"],
};

/**
 * MiningModel (PMML 4.4 §MultipleModels): evaluates the segments whose predicate is TRUE, in
 * document order, and combines their predictions by multipleModelMethod. Numerics follow
 * JPMML-Evaluator: sums in segment order, averages as sum / count (or Σw·x / Σw), medians as
 * commons-math's Percentile(50), ties resolved in favour of the first category seen.
 */
export function evaluateMining(model: MiningModel, scope: ModelScope, target: TargetInfo): ModelResult {
  const segmentRuns = new Map<string, ModelRun>();
  const outcomes = evaluateSegments(model, scope, segmentRuns);
  const extras: SegmentationExtras = { segmentRuns };
  // "If no segments have predicates that evaluate to true, then the result is a missing value."
  if (outcomes === null || outcomes.length === 0) return { value: null, extras };
  const method = model.multipleModelMethod;
  switch (method) {
    case "selectFirst":
      return passThrough(outcomes[0], extras);
    case "modelChain":
      return passThrough(outcomes[outcomes.length - 1], extras);
    case "selectAll":
      return selectAll(outcomes, target, extras);
    default:
      break;
  }
  const allowed = METHODS_BY_FUNCTION[model.functionName];
  if (!allowed?.includes(method)) {
    throw new SchemaError("PMML_SEGMENTATION_METHOD", `multipleModelMethod "${method}" cannot combine ${model.functionName} segments`, {
      path: `${model.path}/Segmentation/@multipleModelMethod`,
      value: method,
    });
  }
  switch (model.functionName) {
    case "regression":
      return { value: aggregateValues(model, outcomes), extras };
    case "classification":
      if (method === "majorityVote" || method === "weightedMajorityVote") return { ...voteResult(model, outcomes, target, true), extras };
      return { ...aggregateProbabilities(model, outcomes, target), extras };
    default:
      return { ...voteResult(model, outcomes, target, false), extras };
  }
}

function segmentId(segment: Segment, index: number): string {
  return segment.id ?? String(index + 1);
}

/**
 * The segments that run, in order. Returns null when missingPredictionTreatment="returnMissing"
 * and a segment predicted a missing value (the whole model's prediction is then missing).
 */
function evaluateSegments(model: MiningModel, scope: ModelScope, segmentRuns: Map<string, ModelRun>): SegmentOutcome[] | null {
  const method = model.multipleModelMethod;
  const treatment = model.missingPredictionTreatment;
  const outcomes: SegmentOutcome[] = [];
  let lastModel: ModelNode | undefined;
  for (let i = 0; i < model.segments.length; i++) {
    const segment = model.segments[i];
    if (evaluatePredicate(segment.predicate, scope) !== true) continue;
    // "With the exception of modelChain, all models in one MiningModel have the same functionName."
    if (method !== "modelChain") checkFunction(segment.model, model);
    const id = segmentId(segment, i);
    const run = runModel(segment.model, scope, scope.root);
    segmentRuns.set(id, run);
    const value = predictionOf(run);
    const missing = value === null;
    if (missing && treatment === "returnMissing") return null;
    let skip = false;
    if (treatment === "skipSegment") {
      if (method === "selectFirst") skip = missing;
      else if (method === "selectAll") {
        throw new UnsupportedFeatureError("Segmentation@missingPredictionTreatment=skipSegment", "skipSegment with selectAll is not supported", {
          path: `${model.path}/Segmentation`,
        });
      } else if (method === "modelChain") {
        throw new SchemaError("PMML_SEGMENTATION_TREATMENT", "skipSegment must not be used with modelChain", {
          path: `${model.path}/Segmentation/@missingPredictionTreatment`,
          value: treatment,
        });
      }
    }
    const outcome: SegmentOutcome = { segment, id, run, value };
    if (!skip) {
      if (method === "selectFirst") return [outcome];
      if (method === "modelChain") {
        // Each segment's OutputFields become fields of the MiningModel, visible to later
        // segments (their predicates and MiningSchemas) and to the MiningModel's Output.
        for (const field of segment.model.output) scope.define(field.name, run.outputs.get(field.name) ?? null);
        lastModel = segment.model;
      }
    }
    outcomes.push(outcome);
  }
  // "The model in the last Segment executed must have the same functionName as the MiningModel."
  if (lastModel) checkFunction(lastModel, model);
  return outcomes;
}

function checkFunction(segmentModel: ModelNode, model: MiningModel): void {
  if (model.functionName === "mixed" || segmentModel.functionName === model.functionName) return;
  throw new SchemaError("PMML_SEGMENT_FUNCTION", `a ${segmentModel.functionName} segment cannot be combined into a ${model.functionName} MiningModel`, {
    path: `${segmentModel.path}/@functionName`,
    value: segmentModel.functionName,
  });
}

function predictionOf(run: ModelRun): Value {
  if (run.result.value !== null) return run.result.value;
  // A clustering segment predicts its winning cluster.
  return run.model.functionName === "clustering" ? (run.result.entityId ?? null) : null;
}

function passThrough(outcome: SegmentOutcome, extras: SegmentationExtras): ModelResult {
  const result = outcome.run.result;
  return { ...result, extras: { ...result.extras, ...extras, segmentOutputs: outcome.run.outputs, passThrough: true } };
}

/**
 * selectAll: one prediction per selected segment. JPMML returns lists; they travel as arrays
 * under the target's name (and each field the segments output) in the output map.
 */
function selectAll(outcomes: SegmentOutcome[], target: TargetInfo, extras: SegmentationExtras): ModelResult {
  const lists = new Map<string, Value[]>();
  if (target.name !== null)
    lists.set(
      target.name,
      outcomes.map((o) => o.run.result.value),
    );
  for (const o of outcomes) {
    for (const [name, v] of o.run.outputs) {
      if (!lists.has(name)) lists.set(name, []);
      lists.get(name)!.push(v);
    }
  }
  const segmentOutputs = new Map<string, Value>();
  for (const [name, values] of lists) segmentOutputs.set(name, values as unknown as Value);
  return { value: null, extras: { ...extras, segmentOutputs, passThrough: true } };
}

/**
 * Fraction (by weight) of the evaluated segments whose prediction is missing; with
 * skipSegment/continue, the model's prediction is missing once it exceeds missingThreshold.
 */
class MissingFraction {
  private missingWeight = 0;
  private readonly totalWeight: number;

  constructor(
    outcomes: SegmentOutcome[],
    private readonly threshold: number,
  ) {
    let total = 0;
    for (const o of outcomes) total += o.segment.weight;
    this.totalWeight = total;
  }

  /** Counts one missing segment; true when the threshold is now exceeded. */
  exceeded(outcome: SegmentOutcome): boolean {
    this.missingWeight += outcome.segment.weight;
    return this.missingWeight / this.totalWeight > this.threshold;
  }
}

/** Regression: sum, weightedSum, average, weightedAverage, median, weightedMedian. */
function aggregateValues(model: MiningModel, outcomes: SegmentOutcome[]): number | null {
  const method = model.multipleModelMethod;
  const values: number[] = [];
  const weights: number[] = [];
  let fraction: MissingFraction | undefined;
  for (const o of outcomes) {
    if (o.value === null) {
      // "continue": a missing prediction makes the combined value missing.
      if (model.missingPredictionTreatment !== "skipSegment") return null;
      fraction ??= new MissingFraction(outcomes, model.missingThreshold);
      if (fraction.exceeded(o)) return null;
      continue;
    }
    const x = toNumber(o.value);
    if (Number.isNaN(x) && typeof o.value !== "number") {
      throw new EvaluationError("PMML_SEGMENT_NOT_NUMERIC", `segment ${o.id} predicted a non-number`, { path: o.segment.path, value: o.value });
    }
    values.push(x);
    weights.push(o.segment.weight);
  }
  if (values.length === 0) return null;
  if (model.mathContext === "float") return aggregateFloat(model, values, weights);
  switch (method) {
    case "sum":
      return sum(values);
    case "weightedSum":
      return sum(values.map((x, i) => weighted(x, weights[i])));
    case "average":
      return sum(values) / values.length;
    case "weightedAverage": {
      const w = sum(weights);
      if (w === 0) throw new EvaluationError("PMML_UNDEFINED_RESULT", "segment weights sum to zero", { path: model.path, value: w });
      return sum(values.map((x, i) => weighted(x, weights[i]))) / w;
    }
    case "median":
      return median(values);
    case "weightedMedian":
      return weightedMedian(values, weights);
    default:
      throw new SchemaError("PMML_SEGMENTATION_METHOD", `multipleModelMethod "${method}" cannot combine regression segments`, {
        path: model.path,
        value: method,
      });
  }
}

/**
 * mathContext="float": JPMML aggregates into a float vector; every segment value is a float and
 * each sum, product and quotient is rounded to float.
 */
function aggregateFloat(model: MiningModel, values: number[], weights: number[]): number {
  switch (model.multipleModelMethod) {
    case "sum":
      return sumFloat(values);
    case "weightedSum":
      return sumFloat(values.map((x, i) => multiplyFloat(weights[i], x)));
    case "average":
      return divideFloat(sumFloat(values), values.length);
    case "weightedAverage": {
      let w = 0;
      for (const x of weights) w = addFloat(w, x);
      if (w === 0) throw new EvaluationError("PMML_UNDEFINED_RESULT", "segment weights sum to zero", { path: model.path, value: w });
      return divideFloat(sumFloat(values.map((x, i) => multiplyFloat(weights[i], x))), w);
    }
    case "median":
      return Math.fround(median(values.map(Math.fround)));
    case "weightedMedian":
      return Math.fround(weightedMedian(values.map(Math.fround), weights));
    default:
      throw new SchemaError("PMML_SEGMENTATION_METHOD", `multipleModelMethod "${model.multipleModelMethod}" cannot combine regression segments`, {
        path: model.path,
        value: model.multipleModelMethod,
      });
  }
}

function weighted(x: number, w: number): number {
  if (w < 0) throw new SchemaError("PMML_SEGMENT_WEIGHT", "Segment/@weight must not be negative", { value: w });
  return w === 1 ? x : w * x;
}

/** Left-to-right sum, as JPMML's vectors accumulate. */
function sum(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s;
}

/** commons-math Percentile(50), legacy estimation: position p·(n+1), linear interpolation. */
export function median(xs: readonly number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const n = sorted.length;
  if (n === 1) return sorted[0];
  const pos = 0.5 * (n + 1);
  const fpos = Math.floor(pos);
  const dif = pos - fpos;
  if (pos < 1) return sorted[0];
  if (pos >= n) return sorted[n - 1];
  const lower = sorted[fpos - 1];
  const upper = sorted[fpos];
  return lower + dif * (upper - lower);
}

/** The first value, in ascending order, at which the cumulated weight reaches half the total. */
function weightedMedian(values: number[], weights: number[]): number {
  const entries = values.map((v, i) => ({ v, w: weights[i] }));
  entries.sort((a, b) => a.v - b.v); // stable: equal values keep segment order
  const threshold = 0.5 * sum(weights);
  let acc = 0;
  for (const e of entries) {
    acc += e.w;
    if (acc >= threshold) return e.v;
  }
  return entries[entries.length - 1].v;
}

/** A category as the MiningModel's target types it, and the key it is counted under. */
function categoryOf(v: Value, target: TargetInfo): { key: string; value: Value } {
  const typed = typeof v === "string" && target.dataType !== "string" ? toCategory(v, target) : v;
  return { key: formatValue(typed), value: typed };
}

/**
 * majorityVote / weightedMajorityVote (classification and clustering): votes per predicted
 * value; classification probabilities are the votes divided by their sum.
 */
function voteResult(model: MiningModel, outcomes: SegmentOutcome[], target: TargetInfo, asProbabilities: boolean): ModelResult {
  const weightedVote = model.multipleModelMethod === "weightedMajorityVote";
  const votes = new Map<string, { value: Value; votes: number }>();
  let missingVotes = 0;
  let sawMissing = false;
  let fraction: MissingFraction | undefined;
  for (const o of outcomes) {
    const w = weightedVote ? o.segment.weight : 1;
    if (o.value === null) {
      fraction ??= new MissingFraction(outcomes, model.missingThreshold);
      if (fraction.exceeded(o)) return { value: null };
      if (model.missingPredictionTreatment === "skipSegment") continue;
      // "continue": missing is a pseudo-category that can win the vote.
      missingVotes += w;
      sawMissing = true;
      continue;
    }
    const c = categoryOf(o.value, target);
    const entry = votes.get(c.key);
    if (entry) entry.votes += w;
    else votes.set(c.key, { value: c.value, votes: w });
  }
  let best: { value: Value; votes: number } | undefined;
  for (const e of votes.values()) if (!best || e.votes > best.votes) best = e;
  if (!best) return { value: null };
  if (sawMissing && missingVotes > best.votes) return { value: null };
  if (!asProbabilities) {
    // Clustering: the winning cluster.
    return { value: best.value, entityId: formatValue(best.value) };
  }
  let total = 0;
  for (const e of votes.values()) total += e.votes;
  const probabilities = new Map<Value, number>();
  for (const e of votes.values()) probabilities.set(e.value, e.votes / total);
  return { value: best.value, probabilities };
}

/** Probability of `key` in a segment's distribution; categories it does not list count 0. */
function probabilityIn(dist: Map<string, number>, key: string): number {
  return dist.get(key) ?? 0;
}

/**
 * average / weightedAverage / median / max (classification): combines the segments'
 * probability distributions. Median and max pick the winning category by the per-category
 * median (max) probability, then average the distributions of the segments that gave it.
 */
function aggregateProbabilities(model: MiningModel, outcomes: SegmentOutcome[], target: TargetInfo): ModelResult {
  const method = model.multipleModelMethod;
  const categories = new Map<string, Value>();
  const dists: { dist: Map<string, number>; weight: number }[] = [];
  let fraction: MissingFraction | undefined;
  for (const o of outcomes) {
    if (o.value === null) {
      if (model.missingPredictionTreatment !== "skipSegment") return { value: null };
      fraction ??= new MissingFraction(outcomes, model.missingThreshold);
      if (fraction.exceeded(o)) return { value: null };
      continue;
    }
    const probabilities = o.run.result.probabilities;
    if (!probabilities) {
      throw new EvaluationError("PMML_SEGMENT_NO_PROBABILITIES", `segment ${o.id} gives no probability distribution to ${method}`, {
        path: o.segment.path,
        value: o.value,
      });
    }
    const dist = new Map<string, number>();
    for (const [k, p] of probabilities) {
      const c = categoryOf(k, target);
      if (!categories.has(c.key)) categories.set(c.key, c.value);
      dist.set(c.key, p);
    }
    dists.push({ dist, weight: o.segment.weight });
  }
  if (dists.length === 0) return { value: null };
  let combined: Map<string, number>;
  switch (method) {
    case "average":
      combined = averageOf(
        dists.map((d) => d.dist),
        categories,
      );
      break;
    case "weightedAverage": {
      const weightSum = sum(dists.map((d) => d.weight));
      if (weightSum === 0) throw new EvaluationError("PMML_UNDEFINED_RESULT", "segment weights sum to zero", { path: model.path, value: weightSum });
      combined = new Map();
      for (const key of categories.keys()) {
        let s = 0;
        for (const d of dists) s += weighted(probabilityIn(d.dist, key), d.weight);
        combined.set(key, s / weightSum);
      }
      break;
    }
    case "median":
    case "max": {
      const stat = new Map<string, number>();
      for (const key of categories.keys()) {
        const ps = dists.map((d) => probabilityIn(d.dist, key));
        stat.set(key, method === "max" ? Math.max(...ps) : median(ps));
      }
      const order = target.categories.length > 0 ? target.categories.map((c) => formatValue(c)) : [...categories.keys()];
      let winner: string | undefined,
        winnerP = -Infinity;
      for (const key of order) {
        const p = stat.get(key);
        if (p !== undefined && (winner === undefined || p > winnerP)) {
          winner = key;
          winnerP = p;
        }
      }
      if (winner === undefined) return { value: null };
      const chosen = method === "max" ? dists.filter((d) => probabilityIn(d.dist, winner!) === winnerP) : closestTo(dists, winner, winnerP);
      combined =
        chosen.length === 1
          ? new Map([...categories.keys()].map((k) => [k, probabilityIn(chosen[0].dist, k)]))
          : averageOf(
              chosen.map((d) => d.dist),
              categories,
            );
      break;
    }
    default:
      throw new SchemaError("PMML_SEGMENTATION_METHOD", `multipleModelMethod "${method}" cannot combine classification segments`, {
        path: model.path,
        value: method,
      });
  }
  const probabilities = new Map<Value, number>();
  let best: Value = null,
    bestP = -Infinity;
  for (const [key, p] of combined) {
    const value = categories.get(key)!;
    probabilities.set(value, p);
    if (p > bestP) {
      best = value;
      bestP = p;
    }
  }
  return { value: best, probabilities };
}

/** The segments whose probability of `key` is closest to the median (all of them on ties). */
function closestTo<T extends { dist: Map<string, number> }>(dists: T[], key: string, target: number): T[] {
  let min = Number.MAX_VALUE;
  let chosen: T[] = [];
  for (const d of dists) {
    const diff = Math.abs(target - probabilityIn(d.dist, key));
    if (diff < min) {
      chosen = [];
      min = diff;
    }
    if (diff <= min) chosen.push(d);
  }
  return chosen;
}

function averageOf(dists: Map<string, number>[], categories: Map<string, Value>): Map<string, number> {
  const out = new Map<string, number>();
  for (const key of categories.keys()) {
    let s = 0;
    for (const d of dists) s += probabilityIn(d, key);
    out.set(key, s / dists.length);
  }
  return out;
}

/**
 * An OutputField with segmentId: the feature of that segment's result. transformedValue and
 * decision either name a field of the segment's result in `value` (as JPMML reads them) or carry
 * an expression, which is evaluated where the segment was scored, so it sees that segment's
 * fields and OutputFields (§Output: with segmentId the feature "is computed for the specified
 * segment"; R pmml's gbm multinomial writes `<FieldRef>` to a segment's OutputField this way).
 */
export function segmentOutputValue(field: OutputField, run: ModelRun): Value {
  if (field.feature === "transformedValue" || field.feature === "decision") {
    if (field.value === undefined) {
      if (field.expr !== undefined) return evaluateExpr(field.expr, run.scope);
      throw new SchemaError(
        "PMML_MISSING_ATTRIBUTE",
        "an OutputField with segmentId and a transformedValue/decision feature names the segment's field in value or holds an expression",
        { path: field.path, value: "value" },
      );
    }
    if (run.outputs.has(field.value)) return run.outputs.get(field.value)!;
    return run.target.name === field.value ? run.result.value : null;
  }
  // "If the target value is missing, then the result delivered by this OutputField is missing."
  if (run.result.value === null && field.feature !== "entityId" && field.feature !== "clusterId") return null;
  return outputValue(field, run.result, run.target, run.scope);
}
