import type { NearestNeighborModel } from "../models/nearest-neighbor.ts";
import type { ModelResult } from "../model.ts";
import { EvaluationError, SchemaError } from "../errors.ts";
import { lowerNearestNeighbor, type NearestNeighborPlan } from "../lower/nearest-neighbor.ts";
import { compareValues, formatValue, toDataType, toNumber, type Value } from "../values.ts";
import { comparisonInputs, distance, missingValueAdjustment, similarity } from "./comparison-measure.ts";
import { ModelScope, PipelineScope } from "./scope.ts";
import type { TargetInfo } from "./target.ts";

interface TrainingInstance {
  id: string;
  values: Value[];
  target: Value;
}

/**
 * NearestNeighborModel (PMML 4.4 §NearestNeighborModel): compare the record with every training
 * instance, keep the k best (stable: earlier rows first on ties), then
 * - continuous target: average, median, or weightedAverage with weights 1/(distance + threshold);
 * - categorical target: majorityVote or weightedMajorityVote; ties go to the category most
 *   frequent in the whole training data, then to the smallest value (§ scoring, as JPMML);
 * - clustering: no prediction; the instances are the entities.
 */
export function evaluateNearestNeighbor(model: NearestNeighborModel, scope: ModelScope, target: TargetInfo): ModelResult {
  const plan = lowerNearestNeighbor(model);
  const cmp = plan.comparison;
  const instances = trainingInstances(model, plan, scope, target);
  const inputs = comparisonInputs(cmp.fields, scope);
  const similar = cmp.kind === "similarity";
  const adjustment = cmp.kind === "similarity" ? 1 : missingValueAdjustment(cmp, inputs);
  const scored = instances.map((instance, index) => ({
    instance,
    index,
    affinity: cmp.kind === "similarity" ? similarity(cmp, inputs, instance.values) : distance(cmp, inputs, instance.values, adjustment, scope),
  }));
  const ranked = scored.slice().sort((a, b) => (similar ? b.affinity - a.affinity : a.affinity - b.affinity) || a.index - b.index);
  const nearest = ranked.slice(0, plan.numberOfNeighbors);
  const affinities = new Map<Value, number>();
  for (const s of scored) affinities.set(s.instance.id, s.affinity);
  const base = {
    entityId: ranked.length > 0 ? ranked[0].instance.id : null,
    affinities,
    affinityType: similar ? ("similarity" as const) : ("distance" as const),
    entityRanking: ranked.map((s) => ({ id: s.instance.id, affinity: s.affinity })),
  };
  if (model.functionName === "clustering" || target.name === null) return { value: null, ...base };
  const weight = (affinity: number): number => {
    if (similar) {
      throw new SchemaError("PMML_KNN_WEIGHTS", "weighted scoring methods need a distance measure", { path: model.path, value: cmp.measure });
    }
    return 1 / (affinity + plan.threshold);
  };
  if (isContinuousTarget(model, scope, target.name)) {
    const ys = nearest.map((s) => targetNumber(s.instance, target.name!, model.path));
    let value: number;
    switch (plan.continuousScoringMethod) {
      case "average": {
        let sum = 0;
        for (const y of ys) sum += y;
        value = sum / ys.length;
        break;
      }
      case "median": {
        const sorted = ys.slice().sort((a, b) => a - b);
        const h = sorted.length >> 1;
        value = sorted.length % 2 === 1 ? sorted[h] : (sorted[h - 1] + sorted[h]) / 2;
        break;
      }
      case "weightedAverage": {
        let weighted = 0,
          total = 0;
        nearest.forEach((s, i) => {
          const w = weight(s.affinity);
          weighted += ys[i] * w;
          total += w;
        });
        value = weighted / total;
        break;
      }
    }
    return { value, ...base };
  }
  const votes = new Map<string, { value: Value; votes: number }>();
  for (const s of nearest) {
    const y = s.instance.target;
    if (y === null)
      throw new EvaluationError("PMML_MISSING_VALUE", `training instance ${s.instance.id} has no value for "${target.name}"`, {
        path: model.path,
        value: s.instance.id,
      });
    const w = plan.categoricalScoringMethod === "weightedMajorityVote" ? weight(s.affinity) : 1;
    const key = formatValue(y);
    const entry = votes.get(key);
    if (entry) entry.votes += w;
    else votes.set(key, { value: y, votes: w });
  }
  let winners = topVoted([...votes.values()]);
  if (winners.length === 0) {
    // Every neighbour's weight is NaN (e.g. all inputs missing): no vote can be counted.
    throw new EvaluationError("PMML_UNDEFINED_RESULT", "no neighbour has a usable vote weight", { path: model.path, value: null });
  }
  if (winners.length > 1) {
    // Tie: the category with most training cases, then the smallest value.
    const counts = new Map<string, number>();
    for (const instance of instances) {
      if (instance.target !== null) counts.set(formatValue(instance.target), (counts.get(formatValue(instance.target)) ?? 0) + 1);
    }
    winners = topVoted(winners.map((w) => ({ value: w.value, votes: counts.get(formatValue(w.value)) ?? 0 })));
    if (winners.length > 1) winners.sort((a, b) => compareValues(a.value, b.value));
  }
  return { value: winners[0].value, ...base };
}

function topVoted<T extends { votes: number }>(entries: T[]): T[] {
  let max = -Infinity;
  for (const e of entries) if (e.votes > max) max = e.votes;
  return entries.filter((e) => e.votes === max);
}

function isContinuousTarget(model: NearestNeighborModel, scope: ModelScope, name: string): boolean {
  if (model.functionName === "regression") return true;
  if (model.functionName === "classification") return false;
  const mining = model.miningSchema.find((f) => f.name === name);
  const opType = mining?.opType ?? scope.root.dataFields.get(name)?.opType ?? scope.root.derived.get(name)?.opType;
  return opType === "continuous";
}

function targetNumber(instance: TrainingInstance, name: string, path: string): number {
  const y = instance.target;
  const n = y === null ? NaN : toNumber(y);
  if (Number.isNaN(n))
    throw new EvaluationError("PMML_NOT_A_NUMBER", `training instance ${instance.id} has no numeric value for "${name}"`, { path, value: y });
  return n;
}

const trainingCache = new WeakMap<NearestNeighborModel, TrainingInstance[]>();

/**
 * The training instances with their values prepared like inputs: each InlineTable row goes
 * through this model's MiningSchema (and, for KNN inputs that are derived fields missing from
 * the table, its transformations), exactly as a scored record would.
 */
function trainingInstances(model: NearestNeighborModel, plan: NearestNeighborPlan, scope: ModelScope, target: TargetInfo): TrainingInstance[] {
  const cached = trainingCache.get(model);
  if (cached) return cached;
  const root = scope.root;
  const instances = model.rows.map((row, r): TrainingInstance => {
    const raw: Record<string, string> = {};
    const derivedCells: [string, string][] = [];
    for (const f of model.instanceFields) {
      if (f.field === model.instanceIdVariable) continue;
      const cell = row[f.column];
      if (cell === undefined) continue;
      if (root.dataFields.has(f.field)) raw[f.field] = cell;
      else derivedCells.push([f.field, cell]);
    }
    const rowRoot = new PipelineScope(root.pipeline, raw, undefined, root.limits);
    rowRoot.setTopModel(model);
    const rowScope = new ModelScope(model, rowRoot, rowRoot);
    for (const [name, cell] of derivedCells) {
      const type = rowScope.typeOf(name);
      const typed = type ? toDataType(cell, type) : cell;
      rowScope.define(name, typed === undefined ? cell : typed);
    }
    return {
      id: plan.ids[r],
      values: model.inputs.map((i) => rowScope.resolve(i.field)),
      target: target.name === null ? null : rowScope.resolve(target.name),
    };
  });
  trainingCache.set(model, instances);
  return instances;
}
