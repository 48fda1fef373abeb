import type { ModelBase, ModelResult, Target } from "../model.ts";
import { EvaluationError, SchemaError } from "../errors.ts";
import { formatValue, toDataType, valuesEqual, type DataType, type OpType, type Value } from "../values.ts";
import type { ModelScope } from "./scope.ts";
import { addFloat, multiplyFloat } from "./single-precision.ts";

/** The model's target field as the evaluator needs it: name, type and categories. */
export interface TargetInfo {
  name: string | null;
  dataType: DataType;
  categories: Value[];
  displayValues?: Map<string, string>;
  /** The MiningField's optype, else the DataField's (or DerivedField's). */
  opType?: OpType;
}

/** First MiningField with usageType predicted/target (PMML 4.x), and its DataField's facts. */
export function targetInfo(model: ModelBase, scope: ModelScope, explicitName?: string): TargetInfo {
  const mining = model.miningSchema.find((f) => f.usageType === "predicted" || f.usageType === "target");
  const name = mining?.name ?? explicitName ?? null;
  if (name === null) return { name: null, dataType: "string", categories: [] };
  const dataField = scope.root.dataFields.get(name);
  if (dataField) {
    return {
      name,
      dataType: dataField.dataType,
      categories: dataField.validValues,
      displayValues: dataField.displayValues,
      opType: mining?.opType ?? dataField.opType,
    };
  }
  const derived = scope.root.derived.get(name);
  return { name, dataType: derived?.dataType ?? scope.typeOf(name) ?? "string", categories: derived?.values ?? [], opType: mining?.opType ?? derived?.opType };
}

/** Converts a category written in the document to the target's type. */
export function toCategory(text: string, target: TargetInfo): Value {
  const typed = toDataType(text, target.dataType);
  return typed === undefined || typed === null ? text : typed;
}

function findTarget(model: ModelBase, name: string | null): Target | undefined {
  return model.targets.find((t) => t.field === undefined || t.field === name);
}

/** PMML Targets post-processing (§Targets): defaults, priors, clamp, rescale, castInteger. */
export function applyTargets(model: ModelBase, result: ModelResult, target: TargetInfo): ModelResult {
  const t = findTarget(model, target.name);
  if (!t) return withDisplayValue(result, target, undefined);
  if (model.functionName === "regression") {
    let v = result.value;
    if (v === null) {
      const dflt = targetDefaultValue(t, model.path);
      if (dflt === null) return result;
      v = dflt;
    }
    if (typeof v !== "number") return result;
    let x = v;
    if (model.mathContext === "float") {
      // FloatValue: restrict, multiply and add, each on floats and rounded to float.
      x = Math.fround(x);
      if (t.min !== undefined && x < Math.fround(t.min)) x = Math.fround(t.min);
      if (t.max !== undefined && x > Math.fround(t.max)) x = Math.fround(t.max);
      if (t.rescaleFactor !== 1) x = multiplyFloat(x, t.rescaleFactor);
      if (t.rescaleConstant !== 0) x = addFloat(x, t.rescaleConstant);
    } else {
      if (t.min !== undefined && x < t.min) x = t.min;
      if (t.max !== undefined && x > t.max) x = t.max;
      x = x * t.rescaleFactor + t.rescaleConstant;
    }
    switch (t.castInteger) {
      case "round":
        x = Math.round(x);
        break;
      case "ceiling":
        x = Math.ceil(x);
        break;
      case "floor":
        x = Math.floor(x);
        break;
      default:
        break;
    }
    return { ...result, value: x };
  }
  if (model.functionName === "classification" && result.value === null) {
    const priors = targetPriors(t, model.path);
    if (priors !== null) {
      const probabilities = new Map<Value, number>();
      for (const { value, probability } of priors) probabilities.set(toCategory(value, target), probability);
      let best: Value = null,
        bestP = -Infinity;
      for (const [c, p] of probabilities)
        if (p > bestP) {
          best = c;
          bestP = p;
        }
      return withDisplayValue({ ...result, value: best, probabilities }, target, t);
    }
  }
  return withDisplayValue(result, target, t);
}

/**
 * The default of a regression whose prediction is missing (JPMML's TargetUtil.getDefaultValue):
 * null without TargetValues or without defaultValue; a Target with several TargetValues, or
 * whose TargetValue has value or priorProbability (categorical attributes), is refused.
 */
export function targetDefaultValue(t: Target, path?: string): number | null {
  if (t.values.length === 0) return null;
  if (t.values.length !== 1) {
    throw new SchemaError("PMML_TARGET_VALUES", `a continuous Target holds one TargetValue, found ${t.values.length}`, { path, value: t.values.length });
  }
  const tv = t.values[0];
  if (tv.value !== undefined || tv.priorProbability !== undefined) {
    throw new SchemaError("PMML_TARGET_VALUES", "the TargetValue of a continuous Target cannot have value or priorProbability", {
      path,
      value: tv.value ?? tv.priorProbability,
    });
  }
  return tv.defaultValue ?? null;
}

/**
 * The prior distribution of a classification whose prediction is missing (JPMML's
 * TargetUtil.getPriorProbabilities): null without TargetValues; otherwise every TargetValue needs
 * value and priorProbability and no defaultValue, and the priors are divided by their sum unless
 * it is exactly 1 (a zero sum is undefined).
 */
export function targetPriors(t: Target, path?: string): { value: string; probability: number }[] | null {
  if (t.values.length === 0) return null;
  const out: { value: string; probability: number }[] = [];
  let sum = 0;
  for (const tv of t.values) {
    if (tv.value === undefined) throw new SchemaError("PMML_MISSING_ATTRIBUTE", "TargetValue needs value", { path, value: "value" });
    if (tv.priorProbability === undefined)
      throw new SchemaError("PMML_MISSING_ATTRIBUTE", `TargetValue "${tv.value}" needs priorProbability`, { path, value: "priorProbability" });
    if (tv.defaultValue !== undefined)
      throw new SchemaError("PMML_TARGET_VALUES", `TargetValue "${tv.value}" of a categorical Target cannot have defaultValue`, {
        path,
        value: tv.defaultValue,
      });
    out.push({ value: tv.value, probability: tv.priorProbability });
    sum += tv.priorProbability;
  }
  if (sum !== 1) {
    if (sum === 0) throw new EvaluationError("PMML_UNDEFINED_RESULT", "the prior probabilities sum to 0", { path, value: 0 });
    for (const e of out) e.probability /= sum;
  }
  return out;
}

function withDisplayValue(result: ModelResult, target: TargetInfo, t: Target | undefined): ModelResult {
  if (result.displayValue !== undefined || result.value === null) return result;
  const key = formatValue(result.value);
  const fromTarget = t?.values.find(
    (tv) => tv.value !== undefined && tv.displayValue !== undefined && valuesEqual(toCategory(tv.value, target), result.value),
  )?.displayValue;
  // DataField Value displayValues label categories: a continuous target does not read them (JPMML).
  const display = fromTarget ?? (target.opType === "continuous" ? undefined : target.displayValues?.get(key));
  return display === undefined ? result : { ...result, displayValue: display };
}
