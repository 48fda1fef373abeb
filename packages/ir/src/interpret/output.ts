import type { ModelNode, ModelResult, OutputField } from "../model.ts";
import { EvaluationError, UnsupportedFeatureError } from "../errors.ts";
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
    const seg = field.segmentId === undefined ? undefined : segmentation(result)?.segmentRuns.get(field.segmentId) ?? null;
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
    throw new EvaluationError("PMML_TYPE_CHECK", `OutputField "${field.name}" cannot hold ${JSON.stringify(formatValue(value))} as ${field.dataType}`, { value: formatValue(value) });
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
      if (field.rank > 1 && result.entityRanking) return rankedEntity(result.entityRanking, field)?.affinity ?? null;
      if (!result.affinities) return null;
      const key = field.value ?? result.entityId ?? (result.value === null ? null : formatValue(result.value));
      if (key === null) return null;
      return lookup(result.affinities, key) ?? lookup(result.affinities, toCategory(key, target));
    }
    case "entityId":
    case "clusterId":
      if (field.rank > 1 && result.entityRanking) return rankedEntity(result.entityRanking, field)?.id ?? null;
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

/** The rank-th entity (1-based) in the field's rankOrder; the ranking is best first. */
function rankedEntity<T>(ranking: T[], field: OutputField): T | undefined {
  return field.rankOrder === "ascending" ? ranking[ranking.length - field.rank] : ranking[field.rank - 1];
}

export function requireNumber(v: Value, what: string): number {
  if (typeof v !== "number") throw new EvaluationError("PMML_NOT_A_NUMBER", `${what} is not a number`, { value: v });
  return v;
}
