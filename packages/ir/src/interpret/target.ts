import type { ModelBase, ModelResult, Target } from "../model.ts";
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
    return { name, dataType: dataField.dataType, categories: dataField.validValues, displayValues: dataField.displayValues, opType: mining?.opType ?? dataField.opType };
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
      const dflt = t.values.find((tv) => tv.defaultValue !== undefined)?.defaultValue;
      if (dflt === undefined) return result;
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
      case "round": x = Math.round(x); break;
      case "ceiling": x = Math.ceil(x); break;
      case "floor": x = Math.floor(x); break;
      default: break;
    }
    return { ...result, value: x };
  }
  if (model.functionName === "classification" && result.value === null) {
    const priors = t.values.filter((tv) => tv.priorProbability !== undefined && tv.value !== undefined);
    if (priors.length > 0) {
      const probabilities = new Map<Value, number>();
      let best: Value = null, bestP = -Infinity;
      for (const tv of priors) {
        const c = toCategory(tv.value!, target);
        probabilities.set(c, tv.priorProbability!);
        if (tv.priorProbability! > bestP) { best = c; bestP = tv.priorProbability!; }
      }
      return withDisplayValue({ ...result, value: best, probabilities }, target, t);
    }
  }
  return withDisplayValue(result, target, t);
}

function withDisplayValue(result: ModelResult, target: TargetInfo, t: Target | undefined): ModelResult {
  if (result.displayValue !== undefined || result.value === null) return result;
  const key = formatValue(result.value);
  const fromTarget = t?.values.find((tv) => tv.value !== undefined && tv.displayValue !== undefined &&
    valuesEqual(toCategory(tv.value, target), result.value))?.displayValue;
  const display = fromTarget ?? target.displayValues?.get(key);
  return display === undefined ? result : { ...result, displayValue: display };
}
