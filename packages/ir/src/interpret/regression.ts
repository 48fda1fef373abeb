import type { RegressionModel, RegressionNormalization, RegressionTable } from "../models/regression.ts";
import type { ModelResult } from "../model.ts";
import { SchemaError } from "../errors.ts";
import { toNumber, valuesEqual, type Value } from "../values.ts";
import { coerceLiteral } from "./predicate.ts";
import type { ModelScope } from "./scope.ts";
import { toCategory, type TargetInfo } from "./target.ts";
import { normalCdf } from "./normal.ts";

/** RegressionModel (PMML 4.4 §Regression): one linear table per category (or one for regression). */
export function evaluateRegression(model: RegressionModel, scope: ModelScope, target: TargetInfo): ModelResult {
  if (model.functionName === "regression") {
    if (model.tables.length !== 1) {
      throw new SchemaError("PMML_REGRESSION_TABLES", "a regression RegressionModel needs exactly one RegressionTable", { path: model.path, value: model.tables.length });
    }
    const y = tableValue(model.tables[0], scope);
    if (y === null) return { value: null };
    return { value: normalizeRegression(model.normalizationMethod, y) };
  }
  if (model.functionName !== "classification") {
    throw new SchemaError("PMML_FUNCTION_NAME", `RegressionModel cannot do ${model.functionName}`, { path: model.path, value: model.functionName });
  }
  const ys: number[] = [];
  for (const table of model.tables) {
    const y = tableValue(table, scope);
    if (y === null) return { value: null };
    ys.push(y);
  }
  const ps = normalizeClassification(model.normalizationMethod, ys);
  const probabilities = new Map<Value, number>();
  let best: Value = null, bestP = -Infinity;
  model.tables.forEach((t, i) => {
    if (t.targetCategory === undefined) {
      throw new SchemaError("PMML_TARGET_CATEGORY", "a classification RegressionTable needs targetCategory", { path: model.path, value: i });
    }
    const c = toCategory(t.targetCategory, target);
    probabilities.set(c, ps[i]);
    if (ps[i] > bestP) { best = c; bestP = ps[i]; }
  });
  return { value: best, probabilities };
}

/** intercept + Σ numeric + Σ categorical + Σ terms; missing input → missing result. */
function tableValue(table: RegressionTable, scope: ModelScope): number | null {
  let y = table.intercept;
  for (const p of table.numericPredictors) {
    const v = scope.resolve(p.field);
    if (v === null) return null;
    const x = toNumber(v);
    y += p.coefficient * (p.exponent === 1 ? x : Math.pow(x, p.exponent));
  }
  for (const p of table.categoricalPredictors) {
    const v = scope.resolve(p.field);
    if (v === null) return null;
    if (valuesEqual(v, coerceLiteral(p.value, v, scope, p.field))) y += p.coefficient;
  }
  for (const term of table.predictorTerms) {
    let product = term.coefficient;
    for (const f of term.fields) {
      const v = scope.resolve(f);
      if (v === null) return null;
      product *= toNumber(v);
    }
    y += product;
  }
  return y;
}

function normalizeRegression(method: RegressionNormalization, y: number): number {
  switch (method) {
    case "none": return y;
    case "softmax":
    case "logit": return 1 / (1 + Math.exp(-y));
    case "exp": return Math.exp(y);
    default: return inverseLink(method, y);
  }
}

/** The inverse link functions of §Regression normalizationMethod. */
export function inverseLink(method: RegressionNormalization, y: number): number {
  switch (method) {
    case "none": return y;
    case "logit": return 1 / (1 + Math.exp(-y));
    case "probit": return normalCdf(y);
    case "cloglog": return 1 - Math.exp(-Math.exp(y));
    case "loglog": return Math.exp(-Math.exp(-y));
    case "cauchit": return 0.5 + Math.atan(y) / Math.PI;
    case "exp": return Math.exp(y);
    case "softmax": return 1 / (1 + Math.exp(-y));
    case "simplemax": return y;
  }
}

/**
 * Classification: with two tables and a link normalisation, the first category gets
 * link⁻¹(y₀) and the second 1 − that (binary logistic convention, as JPMML); otherwise
 * softmax/simplemax over all tables or the link applied per table.
 */
export function normalizeClassification(method: RegressionNormalization, ys: number[]): number[] {
  const binaryLink = ["none", "logit", "probit", "cloglog", "loglog", "cauchit"].includes(method);
  if (ys.length === 2 && binaryLink) {
    const p0 = inverseLink(method, ys[0]);
    return [p0, 1 - p0];
  }
  switch (method) {
    case "softmax": {
      const max = Math.max(...ys);
      const es = ys.map((y) => Math.exp(y - max));
      const sum = es.reduce((a, b) => a + b, 0);
      return es.map((e) => e / sum);
    }
    case "simplemax": {
      const sum = ys.reduce((a, b) => a + b, 0);
      return ys.map((y) => y / sum);
    }
    case "none":
      return ys.slice();
    default:
      return ys.map((y) => inverseLink(method, y));
  }
}
