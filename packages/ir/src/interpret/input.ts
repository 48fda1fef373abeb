import type { DataField, MiningField } from "../fields.ts";
import { EvaluationError } from "../errors.ts";
import { toDataType, valuesEqual, type DataType, type Value } from "../values.ts";

// Input preparation imports no expression code: a restored compiled kernel encodes its inputs
// with it without loading the interpreter (see ../scoring.ts).

export type Validity = "valid" | "invalid" | "missing";

/** Classifies a raw input against its DataField (PMML "Values" and "Interval" semantics). */
export function classifyInput(field: DataField, raw: unknown): { validity: Validity; value: Value } {
  if (raw === null || raw === undefined) return { validity: "missing", value: null };
  if (typeof raw === "number" && Number.isNaN(raw)) return { validity: "missing", value: null };
  const rawValue = raw as Value;
  for (const m of field.missingValues) {
    if (sameRaw(m, rawValue, field.dataType)) return { validity: "missing", value: null };
  }
  const typed = toDataType(rawValue, field.dataType);
  if (typed === undefined || typed === null) return { validity: "invalid", value: rawValue };
  // Text that parses to NaN ("NaN", as numpy and Java write a missing double) is missing, as a NaN
  // number is: NaN is no value a numeric field or a comparison can use.
  if (typeof typed === "number" && Number.isNaN(typed)) return { validity: "missing", value: null };
  for (const inv of field.invalidValues) {
    if (valuesEqual(inv, typed)) return { validity: "invalid", value: typed };
  }
  if (field.opType === "continuous" && typeof typed === "number") {
    // Declared valid values extend the intervals; without intervals they are the whole valid
    // space ("If a field contains at least one Value element where the value of property is
    // valid, then the set of Value elements completely defines the set of valid values"), as
    // JPMML's InputFieldUtil reads it for continuous fields too.
    if (field.validValues.some((v) => valuesEqual(v, typed))) return { validity: "valid", value: typed };
    if (field.intervals.length > 0) {
      return { validity: field.intervals.some((iv) => inInterval(iv, typed)) ? "valid" : "invalid", value: typed };
    }
    return { validity: field.validValues.length > 0 ? "invalid" : "valid", value: typed };
  }
  if (field.validValues.length > 0 && field.opType !== "continuous" && !field.validValues.some((v) => valuesEqual(v, typed))) {
    return { validity: "invalid", value: typed };
  }
  return { validity: "valid", value: typed };
}

function sameRaw(declared: Value, raw: Value, dataType: DataType): boolean {
  if (valuesEqual(declared, raw)) return true;
  if (typeof raw === "string" && typeof declared === "string") return declared === raw;
  const typed = toDataType(raw, dataType);
  return typed !== undefined && typed !== null && valuesEqual(declared, typed);
}

export function inInterval(iv: { closure: string; left?: number; right?: number }, x: number): boolean {
  if (iv.left !== undefined) {
    if (iv.closure.startsWith("closed") ? x < iv.left : x <= iv.left) return false;
  }
  if (iv.right !== undefined) {
    if (iv.closure.endsWith("Closed") ? x > iv.right : x >= iv.right) return false;
  }
  return true;
}

/** MiningField treatments of one input: missing replacement, invalid treatment, outliers. */
export function prepareInput(field: DataField, mining: MiningField | undefined, raw: unknown): Value {
  const { validity, value } = classifyInput(field, raw);
  switch (validity) {
    case "missing":
      return treatMissing(field.name, field.dataType, mining);
    case "invalid":
      switch (mining?.invalidValueTreatment ?? "returnInvalid") {
        case "returnInvalid":
          throw new EvaluationError("PMML_INVALID_VALUE", `field "${field.name}" has an invalid value`, { value: raw });
        case "asIs":
          // JPMML's (pre-4.4) reading: asIs with an invalidValueReplacement replaces, like asValue.
          if (mining?.invalidValueReplacement !== undefined && mining.invalidValueReplacement !== null)
            return invalidReplacement(field, mining.invalidValueReplacement);
          return value;
        case "asMissing":
          return treatMissing(field.name, field.dataType, mining);
        case "asValue":
          return mining?.invalidValueReplacement === undefined || mining.invalidValueReplacement === null
            ? null
            : invalidReplacement(field, mining.invalidValueReplacement);
      }
      break;
    case "valid":
      if (!mining) return value;
      // An outlier under asMissingValues is a missing value, then treated as one (JPMML's
      // performMissingValueTreatment): the replacement as the field's dataType.
      return isMissingOutlier(mining, value) ? treatMissing(field.name, field.dataType, mining) : treatOutlier(mining, value);
  }
  return value;
}

/** The invalidValueReplacement as the field's dataType (JPMML's createInputValue). */
function invalidReplacement(field: DataField, replacement: Value): Value {
  const v = toDataType(replacement, field.dataType);
  return v === undefined ? replacement : v;
}

function treatMissing(name: string, dataType: DataType, mining: MiningField | undefined): Value {
  if (mining?.missingValueReplacement !== undefined && mining.missingValueReplacement !== null) {
    const v = toDataType(mining.missingValueReplacement, dataType);
    return v === undefined ? mining.missingValueReplacement : v;
  }
  if (mining?.missingValueTreatment === "returnInvalid") {
    throw new EvaluationError("PMML_MISSING_VALUE", `field "${name}" is missing and its MiningField says returnInvalid`, { value: null });
  }
  return null;
}

function isMissingOutlier(mining: MiningField, value: Value): boolean {
  if (typeof value !== "number" || mining.outliers !== "asMissingValues") return false;
  return (mining.lowValue !== undefined && value < mining.lowValue) || (mining.highValue !== undefined && value > mining.highValue);
}

export function treatOutlier(mining: MiningField, value: Value): Value {
  if (typeof value !== "number" || mining.outliers === "asIs") return value;
  const low = mining.lowValue,
    high = mining.highValue;
  const isLow = low !== undefined && value < low;
  const isHigh = high !== undefined && value > high;
  if (!isLow && !isHigh) return value;
  if (mining.outliers === "asMissingValues") return mining.missingValueReplacement ?? null;
  return isLow ? low! : high!;
}
