import type { ModelNode, ModelResult, OutputField } from "../model.ts";
import { EvaluationError, SchemaError, UnsupportedFeatureError } from "../errors.ts";
import { formatValue, toDataType, valuesEqual, type Value } from "../values.ts";
import { evaluateExpr } from "./expression.ts";
import type { ModelScope } from "./scope.ts";
import { toCategory, type TargetInfo } from "./target.ts";
import { segmentOutputValue, type SegmentationExtras } from "./mining.ts";

/**
 * Computes the model's OutputFields in document order (§Output). Each value is defined in the
 * scope as it is computed, so later OutputFields (and later segments) can refer to it.
 */
export function computeOutputs(model: ModelNode, result: ModelResult, target: TargetInfo, scope: ModelScope): Map<string, Value> {
  const out = new Map<string, Value>(segmentation(result)?.segmentOutputs ?? []);
  // "If the target value is missing, then the result delivered by this OutputField is missing"
  // (JPMML's OutputUtil): every feature, transformedValue and decision included, whose
  // expressions are then not evaluated. An AssociationModel and a clustering NearestNeighborModel
  // have no target value to miss (JPMML keys their result object under no target), and a
  // MiningModel answers entityId from its segmentation whatever its prediction.
  const targetless = model.kind === "association" || (model.kind === "nearestNeighbor" && model.functionName === "clustering");
  const targetMissing = result.value === null && !targetless;
  for (const field of model.output) {
    // OutputField/@segmentId: the feature of that segment's result; missing when it did not run.
    const seg = field.segmentId === undefined ? undefined : (segmentation(result)?.segmentRuns.get(field.segmentId) ?? null);
    const skip = seg === undefined && targetMissing && !(model.kind === "mining" && field.feature === "entityId");
    const raw = skip ? null : seg === undefined ? outputValue(field, result, target, scope) : seg && segmentOutputValue(field, seg);
    const value = castOutput(field, raw);
    out.set(field.name, value);
    scope.define(field.name, value);
  }
  return out;
}

function segmentation(result: ModelResult): SegmentationExtras | undefined {
  return result.extras?.segmentRuns instanceof Map ? (result.extras as unknown as SegmentationExtras) : undefined;
}

/**
 * The value as the OutputField's dataType. A value that dataType cannot hold (2.5 as integer,
 * "A" as double) is an error, as JPMML's FieldValueUtil.create (TypeCheckException), not the raw value.
 */
export function castOutput(field: Pick<OutputField, "name" | "dataType">, value: Value): Value {
  // Multi-valued results (rule antecedents, selectAll) stay lists.
  if (value === null || !field.dataType || Array.isArray(value)) return value;
  const typed = toDataType(value, field.dataType);
  if (typed === undefined) {
    throw new EvaluationError("PMML_TYPE_CHECK", `OutputField "${field.name}" cannot hold ${JSON.stringify(formatValue(value))} as ${field.dataType}`, {
      value: formatValue(value),
    });
  }
  return typed;
}

function categoryValue(field: OutputField, result: ModelResult, target: TargetInfo, map: Map<Value, number> | undefined): Value {
  if (!map) return null;
  if (field.value === undefined) {
    if (result.value === null) return null;
    return lookup(map, result.value);
  }
  return lookup(map, toCategory(field.value, target)) ?? map.get(field.value) ?? 0;
}

function lookup(map: Map<Value, number>, key: Value): number | null {
  const direct = map.get(key);
  if (direct !== undefined) return direct;
  for (const [k, v] of map) if (valuesEqual(k, key)) return v;
  return null;
}

export function outputValue(field: OutputField, result: ModelResult, target: TargetInfo, scope: ModelScope): Value {
  // A family may answer a feature itself (association rules answer confidence and entityId).
  const hook = result.extras?.[field.feature];
  if (typeof hook === "function") return (hook as (f: OutputField) => Value)(field);
  switch (field.feature) {
    case "predictedValue":
      return result.value;
    case "predictedDisplayValue":
      if (result.value === null || result.displayValue === null) return null;
      // Without a display value, "the raw predicted value is used" (JPMML: the value itself, then
      // converted to the OutputField's dataType).
      return result.displayValue ?? result.value;
    case "probability":
      return categoryValue(field, result, target, result.probabilities);
    case "confidence":
      return categoryValue(field, result, target, result.confidences ?? result.probabilities);
    case "affinity":
    case "entityAffinity":
    case "clusterAffinity": {
      if (result.affinityType !== undefined) return entityAffinity(field, result);
      if (field.rank > 1 && result.entityRanking) return rankedEntity(result.entityRanking, field)?.affinity ?? null;
      if (!result.affinities) return null;
      const key = field.value ?? result.entityId ?? (result.value === null ? null : formatValue(result.value));
      if (key === null) return null;
      return lookup(result.affinities, key) ?? lookup(result.affinities, toCategory(key, target));
    }
    case "entityId":
      if (field.rank <= 0) throw new SchemaError("PMML_BAD_ATTRIBUTE", "OutputField/@rank must be positive", { path: field.path, value: field.rank });
      if (field.rank > 1 && result.entityRanking) return rankedEntity(result.entityRanking, field)?.id ?? null;
      return result.entityId ?? null;
    case "clusterId":
      // clusterId is the winning entity whatever the rank (JPMML's getClusterId).
      return result.entityId ?? null;
    case "transformedValue":
    case "decision":
      if (!field.expr) {
        // No expression: the value of the named target's prediction (PMML 4.4 §OutputField).
        return result.value;
      }
      return evaluateExpr(field.expr, scope);
    case "reasonCode":
      return result.reasonCodes?.[field.rank - 1] ?? null;
    case "residual": {
      if (target.name === null || result.value === null) return null;
      const actual = scope.root.resolve(target.name);
      if (actual === null) return null;
      if (typeof actual === "number" && typeof result.value === "number") return actual - result.value;
      const p = categoryValue({ ...field, value: undefined }, { ...result, value: actual }, target, result.probabilities);
      return p === null ? null : 1 - Number(p);
    }
    case "warning":
      return null;
    default: {
      const extra = result.extras?.[field.feature];
      if (typeof extra === "function") return (extra as (f: OutputField) => Value)(field);
      throw new UnsupportedFeatureError(`OutputField[@feature=${field.feature}]`, undefined, { path: field.path });
    }
  }
}

/**
 * The rank-th entity (1-based) of a ranking that is best first. JPMML ranks entities in
 * descending order only (UnsupportedAttributeException for rankOrder="ascending").
 */
function rankedEntity<T>(ranking: T[], field: OutputField): T | undefined {
  if (field.rankOrder === "ascending") {
    throw new UnsupportedFeatureError("OutputField@rankOrder=ascending", `feature="${field.feature}" ranks entities in descending order only`, {
      path: field.path,
    });
  }
  return ranking[field.rank - 1];
}

/**
 * Affinities of ClusteringModel and NearestNeighborModel entities, as JPMML's OutputUtil:
 * - affinity, and clusterAffinity/entityAffinity naming an entity (@value): rank must be positive;
 *   rank > 1 reads the ranking (descending only); rank 1 looks up @value, else the predicted value
 *   (a KNN prediction is rarely an instance id); an entity not in the result answers the least
 *   optimal affinity (+Infinity for distances, 0 for similarities);
 * - clusterAffinity/entityAffinity without @value: the winning entity's affinity, whatever the rank.
 */
function entityAffinity(field: OutputField, result: ModelResult): Value {
  const a = entityAffinityOf(field, result);
  // A NaN affinity (every compared input missing: JPMML's NaN) is answered as missing, as the compiled backend stores it.
  return typeof a === "number" && Number.isNaN(a) ? null : a;
}

function entityAffinityOf(field: OutputField, result: ModelResult): Value {
  const fallback = result.affinityType === "distance" ? Infinity : 0;
  const find = (key: string): number => (result.affinities ? lookup(result.affinities, key) : null) ?? fallback;
  if (field.feature !== "affinity" && field.value === undefined) {
    return result.entityId === null || result.entityId === undefined ? fallback : find(result.entityId);
  }
  if (field.rank <= 0) throw new SchemaError("PMML_BAD_ATTRIBUTE", "OutputField/@rank must be positive", { path: field.path, value: field.rank });
  if (field.rank > 1) return rankedEntity(result.entityRanking ?? [], field)?.affinity ?? null;
  if (field.value !== undefined) return find(field.value);
  if (result.value === null) {
    throw new EvaluationError("PMML_MISSING_VALUE", `OutputField "${field.name}" (feature="affinity") needs @value: the model predicts no value`, {
      path: field.path,
      value: null,
    });
  }
  return find(formatValue(result.value));
}

export function requireNumber(v: Value, what: string): number {
  if (typeof v !== "number") throw new EvaluationError("PMML_NOT_A_NUMBER", `${what} is not a number`, { value: v });
  return v;
}
