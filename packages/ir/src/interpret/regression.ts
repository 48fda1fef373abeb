import { binarySoftmaxAsLogit, type RegressionModel, type RegressionNormalization, type RegressionTable } from "../models/regression.ts";
import type { ModelResult } from "../model.ts";
import { SchemaError } from "../errors.ts";
import { toNumber, valuesEqual, type Value } from "../values.ts";
import { coerceLiteral } from "./predicate.ts";
import type { ModelScope } from "./scope.ts";
import { toCategory, type TargetInfo } from "./target.ts";
import { normalCdf } from "./normal.ts";
import { addFloat, divideFloat, inverseLinkFloat, multiplyFloat } from "./single-precision.ts";

/** RegressionModel (PMML 4.4 §Regression): one linear table per category (or one for regression). */
export function evaluateRegression(model: RegressionModel, scope: ModelScope, target: TargetInfo): ModelResult {
  if (model.functionName === "regression") {
    if (model.tables.length !== 1) {
      throw new SchemaError("PMML_REGRESSION_TABLES", "a regression RegressionModel needs exactly one RegressionTable", { path: model.path, value: model.tables.length });
    }
    if (model.mathContext === "float") {
      const y = tableValueFloat(model.tables[0], scope);
      return { value: y === null ? null : inverseLinkFloat(model.normalizationMethod, y) };
    }
    const y = tableValue(model.tables[0], scope);
    if (y === null) return { value: null };
    return { value: normalizeRegression(model.normalizationMethod, y) };
  }
  if (model.functionName !== "classification") {
    throw new SchemaError("PMML_FUNCTION_NAME", `RegressionModel cannot do ${model.functionName}`, { path: model.path, value: model.functionName });
  }
  const float = model.mathContext === "float";
  const ys: number[] = [];
  for (const table of model.tables) {
    const y = float ? tableValueFloat(table, scope) : tableValue(table, scope);
    if (y === null) return { value: null };
    ys.push(y);
  }
  const method = binarySoftmaxAsLogit(model.normalizationMethod, model.tables);
  const ps = float ? normalizeClassificationFloat(method, ys) : normalizeClassification(method, ys);
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
    // "If the input value is missing, then the categorical field is ignored" (as JPMML).
    if (v === null) continue;
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

/**
 * A table in float (mathContext="float"), in JPMML's order: numeric predictors, categorical
 * predictors, terms, then the intercept, each product and sum rounded to float.
 */
function tableValueFloat(table: RegressionTable, scope: ModelScope): number | null {
  let y = 0;
  for (const p of table.numericPredictors) {
    const v = scope.resolve(p.field);
    if (v === null) return null;
    let x = Math.fround(toNumber(v));
    if (p.exponent !== 1) x = Math.fround(Math.pow(x, p.exponent));
    y = addFloat(y, multiplyFloat(x, p.coefficient));
  }
  for (const p of table.categoricalPredictors) {
    const v = scope.resolve(p.field);
    if (v === null) continue;
    if (valuesEqual(v, coerceLiteral(p.value, v, scope, p.field))) y = addFloat(y, p.coefficient);
  }
  for (const term of table.predictorTerms) {
    let product = Math.fround(term.coefficient);
    for (const f of term.fields) {
      const v = scope.resolve(f);
      if (v === null) return null;
      product = multiplyFloat(product, toNumber(v));
    }
    y = addFloat(y, product);
  }
  return addFloat(y, table.intercept);
}

/** normalizeClassification in float (JPMML's RegressionModelUtil on FloatValues). */
function normalizeClassificationFloat(method: RegressionNormalization, ys: number[]): number[] {
  const binaryLink = ["none", "logit", "probit", "cloglog", "loglog", "cauchit"].includes(method);
  if (ys.length === 2 && binaryLink) {
    const p0 = method === "none" ? Math.min(Math.max(Math.fround(ys[0]), 0), 1) : inverseLinkFloat(method, ys[0]);
    return [p0, Math.fround(1 - p0)];
  }
  switch (method) {
    case "softmax":
    case "simplemax": {
      const es = method === "softmax" ? ys.map((y) => Math.fround(Math.exp(Math.fround(y)))) : ys.map(Math.fround);
      let sum = 0;
      for (const e of es) sum = addFloat(sum, e);
      return es.map((e) => divideFloat(e, sum));
    }
    case "none": {
      const ps = ys.map(Math.fround);
      let sum = 0;
      for (let i = 0; i < ps.length - 1; i++) sum = addFloat(sum, ps[i]);
      ps[ps.length - 1] = Math.fround(1 - sum);
      return ps;
    }
    default:
      return ys.map((y) => inverseLinkFloat(method, y));
  }
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
    // JPMML restricts an unnormalised first probability to [0, 1].
    const p0 = method === "none" ? Math.min(Math.max(ys[0], 0), 1) : inverseLink(method, ys[0]);
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
    case "none": {
      // JPMML: the last category gets the residual 1 − Σ of the others, not its own table.
      const ps = ys.slice();
      let sum = 0;
      for (let i = 0; i < ps.length - 1; i++) sum += ps[i];
      ps[ps.length - 1] = 1 - sum;
      return ps;
    }
    default:
      return ys.map((y) => inverseLink(method, y));
  }
}
