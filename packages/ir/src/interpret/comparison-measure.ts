import type { CompareFunction, ComparisonField, ComparisonMeasure, DistanceMeasure, SimilarityMeasure } from "../models/comparison-measure.ts";
import { EvaluationError, SchemaError, UnsupportedFeatureError } from "../errors.ts";
import { formatValue, parseNumber, valuesEqual, type Value } from "../values.ts";
import { coerceLiteral } from "./predicate.ts";
import type { ModelScope } from "./scope.ts";
import { exp } from "./exp.ts";

/**
 * The comparison measures of PMML 4.4 §ClusteringModel, shared by ClusteringModel and
 * NearestNeighborModel. Arithmetic follows JPMML's MeasureUtil step by step (power, then field
 * weight, summed in field order, times the adjustment, then the outer root) so that results agree
 * to the last bit.
 */

/** The record's values for the comparison fields, in order (null where missing). */
export function comparisonInputs(fields: readonly ComparisonField[], scope: ModelScope): Value[] {
  return fields.map((f) => scope.resolve(f.field));
}

/**
 * Converts reference values written in the document (centers, training cells) for comparison
 * with the inputs: numbers stay doubles (as JPMML reads center arrays, even for float or integer
 * fields), other values take the input field's type.
 */
export function referenceValues(fields: readonly ComparisonField[], texts: readonly string[], inputs: readonly Value[], scope: ModelScope): Value[] {
  return fields.map((f, i) => {
    const text = texts[i];
    const like = inputs[i];
    if (like === null || typeof like === "number" || typeof like === "boolean") {
      const n = parseNumber(text);
      if (n !== undefined) return n;
    }
    return coerceLiteral(text, like === null ? text : like, scope, f.field);
  });
}

/**
 * §MissingValueWeights: adjustment = Σ qᵢ / Σ qᵢ·[xᵢ present] (qᵢ = 1 without weights). As JPMML
 * (MeasureUtil.calculateAdjustment), a record with every compared field missing is not refused:
 * the adjustment is then +Infinity (NaN with zero weights), so every distance is NaN and the first
 * cluster / training instances win.
 */
export function missingValueAdjustment(inputs: readonly Value[], weights: readonly number[] | undefined, _path: string): number {
  let sum = 0;
  let present = 0;
  for (let i = 0; i < inputs.length; i++) {
    const q = weights ? weights[i] : 1;
    sum += q;
    if (inputs[i] !== null) present += q;
  }
  return sum / present;
}

/** Distance between a record and one reference point (§Distance measures); missing inputs are skipped. */
export function distance(
  cm: ComparisonMeasure, measure: DistanceMeasure, fields: readonly ComparisonField[],
  inputs: readonly Value[], reference: readonly Value[], adjustment: number, scope: ModelScope,
): number {
  let inner: number, outer: number;
  switch (measure.kind) {
    case "euclidean": inner = outer = 2; break;
    case "squaredEuclidean": inner = 2; outer = 1; break;
    case "chebychev": case "cityBlock": inner = outer = 1; break;
    case "minkowski":
      if (!(measure.p >= 0)) throw new SchemaError("PMML_BAD_ATTRIBUTE", "minkowski/@p-parameter must not be negative", { path: cm.path, value: measure.p });
      inner = outer = measure.p;
      break;
  }
  if (measure.kind === "chebychev") {
    let max = -Infinity;
    let any = false;
    for (let i = 0; i < fields.length; i++) {
      if (inputs[i] === null) continue;
      any = true;
      const d = innerTerm(cm, fields[i], inputs[i], reference[i], inner, scope);
      if (d > max || Number.isNaN(d)) max = d;
    }
    // JPMML takes the maximum of no distances: an error (NoSuchElementException).
    if (!any) throw new EvaluationError("PMML_UNDEFINED_DISTANCE", "chebychev: every field of the comparison is missing", { path: cm.path, value: null });
    return max * adjustment;
  }
  let sum = 0;
  for (let i = 0; i < fields.length; i++) {
    if (inputs[i] === null) continue;
    sum += innerTerm(cm, fields[i], inputs[i], reference[i], inner, scope);
  }
  const adjusted = sum * adjustment;
  // JPMML's inversePower: x^(1/p), and e^x for p = 0.
  return outer === 1 ? adjusted : outer === 0 ? exp(adjusted) : Math.pow(adjusted, 1 / outer);
}

/** weight · c(x, y)^power for one field (§Comparison functions). */
function innerTerm(cm: ComparisonMeasure, field: ComparisonField, x: Value, y: Value, power: number, scope: ModelScope): number {
  const fn = compareFunctionOf(cm, field);
  let c: number;
  switch (fn) {
    case "absDiff":
      c = Math.abs(numeric(x, field) - numeric(y, field));
      break;
    case "gaussSim": {
      const s = field.similarityScale;
      if (s === undefined) {
        throw new SchemaError("PMML_MISSING_ATTRIBUTE", "compareFunction gaussSim needs similarityScale", { path: field.path, value: "similarityScale" });
      }
      const z = numeric(x, field) - numeric(y, field);
      c = exp((-Math.log(2) * z * z) / (s * s));
      break;
    }
    case "delta":
      c = valuesEqual(x, y) ? 0 : 1;
      break;
    case "equal":
      c = valuesEqual(x, y) ? 1 : 0;
      break;
    case "table":
      c = tableEntry(field, x, y, scope);
      break;
  }
  c = Math.pow(c, power);
  return field.fieldWeight === 1 ? c : c * field.fieldWeight;
}

function compareFunctionOf(cm: ComparisonMeasure, field: ComparisonField): CompareFunction {
  if (field.compareFunction !== undefined) return field.compareFunction;
  // ComparisonMeasure/@compareFunction can only name the functions that need no per-field data.
  if (cm.compareFunction === "gaussSim" || cm.compareFunction === "table") {
    throw new SchemaError("PMML_BAD_ATTRIBUTE", `ComparisonMeasure/@compareFunction="${cm.compareFunction}" needs per-field parameters; put it on the field`, { path: cm.path, value: cm.compareFunction });
  }
  return cm.compareFunction;
}

function numeric(v: Value, field: ComparisonField): number {
  if (typeof v === "number") return v;
  if (typeof v === "boolean") return v ? 1 : 0;
  throw new EvaluationError("PMML_NOT_A_NUMBER", `field "${field.field}" is compared numerically but holds ${JSON.stringify(formatValue(v))}`, { path: field.path, value: v });
}

/** compareFunction="table": Comparisons/Matrix indexed by the field's declared categories. */
function tableEntry(field: ComparisonField, x: Value, y: Value, scope: ModelScope): number {
  const table = field.comparisonTable;
  if (!table) throw new SchemaError("PMML_MISSING_ELEMENT", "compareFunction table needs Comparisons/Matrix", { path: field.path, value: "Comparisons" });
  const categories = declaredCategories(field.field, scope);
  if (categories.length === 0) {
    throw new UnsupportedFeatureError("Comparisons", `compareFunction table on field "${field.field}" needs the field's Value list to index the matrix`, { path: field.path });
  }
  const i = categories.findIndex((c) => valuesEqual(c, x));
  const j = categories.findIndex((c) => valuesEqual(c, y));
  const v = i < 0 || j < 0 ? undefined : table[i]?.[j];
  if (v === undefined) {
    throw new EvaluationError("PMML_INVALID_VALUE", `field "${field.field}": no comparison table entry for ${formatValue(x)} / ${formatValue(y)}`, { path: field.path, value: x });
  }
  return v;
}

function declaredCategories(name: string, scope: ModelScope): Value[] {
  return scope.root.dataFields.get(name)?.validValues ?? scope.root.derived.get(name)?.values ?? [];
}

/**
 * Binary similarity (§Similarity measures): inputs and reference must be 0/1; a11 counts fields
 * that are 1 on both sides, a10 those 1 in the record and 0 in the reference, and so on.
 */
export function similarity(cm: ComparisonMeasure, measure: SimilarityMeasure, fields: readonly ComparisonField[], inputs: readonly Value[], reference: readonly Value[]): number {
  let a11 = 0, a10 = 0, a01 = 0, a00 = 0;
  for (let i = 0; i < fields.length; i++) {
    const x = binary(inputs[i], fields[i]);
    const y = binary(reference[i], fields[i]);
    if (x) { if (y) a11++; else a10++; } else if (y) a01++; else a00++;
  }
  let num: number, den: number;
  switch (measure.kind) {
    case "simpleMatching": num = a11 + a00; den = a11 + a10 + a01 + a00; break;
    case "jaccard": num = a11; den = a11 + a10 + a01; break;
    case "tanimoto": num = a11 + a00; den = a11 + 2 * (a10 + a01) + a00; break;
    case "binarySimilarity": {
      const m = measure;
      num = 0; num += m.c11 * a11; num += m.c10 * a10; num += m.c01 * a01; num += m.c00 * a00;
      den = 0; den += m.d11 * a11; den += m.d10 * a10; den += m.d01 * a01; den += m.d00 * a00;
      break;
    }
  }
  if (den === 0) throw new EvaluationError("PMML_UNDEFINED_SIMILARITY", `${measure.kind}: the denominator is zero`, { path: cm.path, value: null });
  return num / den;
}

function binary(v: Value, field: ComparisonField): boolean {
  if (v === null) {
    throw new EvaluationError("PMML_MISSING_VALUE", `field "${field.field}" is missing; binary similarity measures need every field`, { path: field.path, value: null });
  }
  if (v === 0 || v === false || v === "0" || v === "false") return false;
  if (v === 1 || v === true || v === "1" || v === "true") return true;
  throw new EvaluationError("PMML_INVALID_VALUE", `field "${field.field}" must be 0 or 1 for a binary similarity measure`, { path: field.path, value: v });
}
