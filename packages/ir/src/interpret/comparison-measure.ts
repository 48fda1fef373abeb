import type { DistanceFieldPlan, DistancePlan, SimilarityPlan } from "../lower/comparison-measure.ts";
import { EvaluationError, UnsupportedFeatureError } from "../errors.ts";
import { formatValue, valuesEqual, type Value } from "../values.ts";
import { coerceLiteral } from "./predicate.ts";
import type { ModelScope } from "./scope.ts";
import { exp } from "./exp.ts";

/**
 * The per-row arithmetic of the comparison measures (PMML 4.4 §ClusteringModel), shared by
 * ClusteringModel and NearestNeighborModel; the kernel and compare functions come from the
 * lowered plan (lower/comparison-measure.ts). Arithmetic follows JPMML's MeasureUtil step by step (power, then field
 * weight, summed in field order, times the adjustment, then the outer root) so that results agree
 * to the last bit.
 */

/** The record's values for the comparison fields, in order (null where missing). */
export function comparisonInputs(fields: readonly { readonly field: string }[], scope: ModelScope): Value[] {
  return fields.map((f) => scope.resolve(f.field));
}

/**
 * Converts reference values written in the document (centers, training cells) for comparison
 * with the inputs: numbers stay doubles (as JPMML reads center arrays, even for float or integer
 * fields), other values take the input field's type.
 */
export function referenceValues(
  fields: readonly { readonly field: string }[],
  texts: readonly string[],
  numbers: readonly (number | undefined)[],
  inputs: readonly Value[],
  scope: ModelScope,
): Value[] {
  return fields.map((f, i) => {
    const text = texts[i];
    const like = inputs[i];
    if (like === null || typeof like === "number" || typeof like === "boolean") {
      const n = numbers[i];
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
export function missingValueAdjustment(plan: DistancePlan, inputs: readonly Value[]): number {
  let present = 0;
  for (let i = 0; i < inputs.length; i++) if (inputs[i] !== null) present += plan.missingValueWeights[i];
  return plan.totalWeight / present;
}

/** Distance between a record and one reference point (§Distance measures); missing inputs are skipped. */
export function distance(plan: DistancePlan, inputs: readonly Value[], reference: readonly Value[], adjustment: number, scope: ModelScope): number {
  const fields = plan.fields;
  if (plan.maximum) {
    let max = -Infinity;
    let any = false;
    for (let i = 0; i < fields.length; i++) {
      if (inputs[i] === null) continue;
      any = true;
      const d = innerTerm(fields[i], inputs[i], reference[i], plan.inner, scope);
      if (d > max || Number.isNaN(d)) max = d;
    }
    // JPMML takes the maximum of no distances: an error (NoSuchElementException).
    if (!any) throw new EvaluationError("PMML_UNDEFINED_DISTANCE", "chebychev: every field of the comparison is missing", { path: plan.path, value: null });
    return max * adjustment;
  }
  let sum = 0;
  for (let i = 0; i < fields.length; i++) {
    if (inputs[i] === null) continue;
    sum += innerTerm(fields[i], inputs[i], reference[i], plan.inner, scope);
  }
  const adjusted = sum * adjustment;
  // JPMML's inversePower: x^(1/p), and e^x for p = 0.
  return plan.outer === 1 ? adjusted : plan.outer === 0 ? exp(adjusted) : Math.pow(adjusted, 1 / plan.outer);
}

/** weight · c(x, y)^power for one field (§Comparison functions). */
function innerTerm(field: DistanceFieldPlan, x: Value, y: Value, power: number, scope: ModelScope): number {
  const compare = field.compare;
  let c: number;
  switch (compare.fn) {
    case "absDiff":
      c = Math.abs(numeric(x, field) - numeric(y, field));
      break;
    case "gaussSim": {
      const s = compare.similarityScale;
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
      c = tableEntry(field, compare.table, x, y, scope);
      break;
  }
  c = Math.pow(c, power);
  return field.fieldWeight === 1 ? c : c * field.fieldWeight;
}

function numeric(v: Value, field: DistanceFieldPlan): number {
  if (typeof v === "number") return v;
  if (typeof v === "boolean") return v ? 1 : 0;
  throw new EvaluationError("PMML_NOT_A_NUMBER", `field "${field.field}" is compared numerically but holds ${JSON.stringify(formatValue(v))}`, {
    path: field.path,
    value: v,
  });
}

/** compareFunction="table": Comparisons/Matrix indexed by the field's declared categories. */
function tableEntry(field: DistanceFieldPlan, table: readonly (readonly number[])[], x: Value, y: Value, scope: ModelScope): number {
  const categories = declaredCategories(field.field, scope);
  if (categories.length === 0) {
    throw new UnsupportedFeatureError("Comparisons", `compareFunction table on field "${field.field}" needs the field's Value list to index the matrix`, {
      path: field.path,
    });
  }
  const i = categories.findIndex((c) => valuesEqual(c, x));
  const j = categories.findIndex((c) => valuesEqual(c, y));
  const v = i < 0 || j < 0 ? undefined : table[i]?.[j];
  if (v === undefined) {
    throw new EvaluationError("PMML_INVALID_VALUE", `field "${field.field}": no comparison table entry for ${formatValue(x)} / ${formatValue(y)}`, {
      path: field.path,
      value: x,
    });
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
export function similarity(plan: SimilarityPlan, inputs: readonly Value[], reference: readonly Value[]): number {
  const fields = plan.fields;
  let a11 = 0,
    a10 = 0,
    a01 = 0,
    a00 = 0;
  for (let i = 0; i < fields.length; i++) {
    const x = binary(inputs[i], fields[i]);
    const y = binary(reference[i], fields[i]);
    if (x) {
      if (y) a11++;
      else a10++;
    } else if (y) a01++;
    else a00++;
  }
  const m = plan.coefficients;
  let num = 0;
  num += m.c11 * a11;
  num += m.c10 * a10;
  num += m.c01 * a01;
  num += m.c00 * a00;
  let den = 0;
  den += m.d11 * a11;
  den += m.d10 * a10;
  den += m.d01 * a01;
  den += m.d00 * a00;
  if (den === 0) throw new EvaluationError("PMML_UNDEFINED_SIMILARITY", `${plan.measure}: the denominator is zero`, { path: plan.path, value: null });
  return num / den;
}

function binary(v: Value, field: { readonly field: string; readonly path: string }): boolean {
  if (v === null) {
    throw new EvaluationError("PMML_MISSING_VALUE", `field "${field.field}" is missing; binary similarity measures need every field`, {
      path: field.path,
      value: null,
    });
  }
  if (v === 0 || v === false || v === "0" || v === "false") return false;
  if (v === 1 || v === true || v === "1" || v === "true") return true;
  throw new EvaluationError("PMML_INVALID_VALUE", `field "${field.field}" must be 0 or 1 for a binary similarity measure`, { path: field.path, value: v });
}
