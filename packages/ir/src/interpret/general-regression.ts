import type { GeneralRegressionModel } from "../models/general-regression.ts";
import type { ModelResult } from "../model.ts";
import { EvaluationError, SchemaError } from "../errors.ts";
import { formatValue, toNumber, valuesEqual, type Value } from "../values.ts";
import {
  lowerGeneralRegression,
  type GeneralRegressionPlan,
  type GrmCumulativeLink,
  type GrmFactor,
  type GrmLink,
  type GrmRow,
  type GrmTerm,
} from "../lower/general-regression.ts";
import { coerceLiteral } from "./predicate.ts";
import { inverseLink as inverseNormalization } from "./regression.ts";
import type { ModelScope } from "./scope.ts";
import { toCategory, type TargetInfo } from "./target.ts";
import { normalCdf } from "./normal.ts";
import { exp } from "./exp.ts";

/**
 * GeneralRegressionModel (PMML 4.4 §GeneralRegression), with JPMML's order of operations. The
 * matrices, reference category and link come from the lowered plan (lower/general-regression.ts).
 */
export function evaluateGeneralRegression(model: GeneralRegressionModel, scope: ModelScope, target: TargetInfo): ModelResult {
  const plan = lowerGeneralRegression(model, { categories: target.categories, category: (text) => toCategory(text, target) });
  if (plan.kind === "cox") return evaluateCox(model, plan.eta, scope);
  return generalRegressionResult(model, plan, (k) => dotProduct(plan.kind === "regression" ? plan.eta : plan.etas[k], scope), scope);
}

type LinearPlan = Exclude<GeneralRegressionPlan, { kind: "cox" }>;

/**
 * The result from the linear predictors: `eta(k)` is η of the k-th category (0 for regression),
 * null when a predictor is missing, asked for in the interpreter's order (a link fault or an
 * offset error comes before a later η). Shared with backends that compute η themselves (onnx).
 */
export function generalRegressionResult(model: GeneralRegressionModel, plan: LinearPlan, eta: (k: number) => number | null, scope: ModelScope): ModelResult {
  if (plan.kind === "regression") {
    const y = eta(0);
    if (y === null) return { value: null };
    return { value: plan.link ? computeLink(model, plan.link, y, scope) : y };
  }
  return evaluateClassification(model, plan, eta, scope);
}

/**
 * Classification: one linear predictor per category but the last (the reference category);
 * multinomialLogistic normalises exp(η), ordinalMultinomial takes differences of the cumulative
 * link, generalizedLinear gives link⁻¹(η) and the last category 1 − the previous one.
 */
function evaluateClassification(
  model: GeneralRegressionModel,
  plan: Extract<GeneralRegressionPlan, { kind: "classification" }>,
  etaOf: (k: number) => number | null,
  scope: ModelScope,
): ModelResult {
  const type = plan.modelType;
  const categories = plan.categories;
  const values: number[] = [];
  let previousLink: number | null = null;
  let previousCumulative: number | null = null;
  for (let i = 0; i < categories.length; i++) {
    let value: number;
    if (i < categories.length - 1) {
      const eta = etaOf(i);
      if (eta === null) return { value: null };
      if (type === "generalizedLinear") value = computeLink(model, plan.link!, eta, scope);
      else if (type === "multinomialLogistic") value = exp(eta);
      else value = computeCumulativeLink(model, plan.cumulativeLink!, eta, scope);
    } else {
      if (type === "generalizedLinear") value = previousLink === null ? 1 : 1 - previousLink;
      // "By convention, the vector of Parameter estimates for the last category is 0."
      else if (type === "multinomialLogistic") value = exp(0);
      else value = 1;
    }
    if (type === "generalizedLinear") {
      previousLink = value;
    } else if (type === "ordinalMultinomial") {
      const cumulative = value;
      if (previousCumulative !== null) value = value - previousCumulative;
      previousCumulative = cumulative;
    }
    values.push(value);
  }
  if (type === "multinomialLogistic") normalizeSimpleMax(values);
  const probabilities = new Map<Value, number>();
  let best: Value = null,
    bestP = -Infinity;
  categories.forEach((c, i) => {
    probabilities.set(c, values[i]);
    if (values[i] > bestP) {
      best = c;
      bestP = values[i];
    }
  });
  return { value: best, probabilities };
}

/** Σ then divide, skipping the division when the sum is exactly 1 (JPMML's ValueUtil). */
function normalizeSimpleMax(values: number[]): void {
  if (values.length === 0) return;
  let sum = values[0];
  for (let i = 1; i < values.length; i++) sum += values[i];
  if (sum === 1) return;
  for (let i = 0; i < values.length; i++) values[i] /= sum;
}

/** Σ beta × row(x) over the terms, in ParamMatrix order; a missing predictor makes it missing. */
function dotProduct(terms: readonly GrmTerm[], scope: ModelScope): number | null {
  let result: number | null = null;
  for (const term of terms) {
    if (result === null) result = 0;
    if (term.row) {
      const x = evaluateRow(term.row, scope);
      if (x === null) return null;
      result += term.beta * x;
    } else {
      result += term.beta;
    }
  }
  return result;
}

function evaluateRow(row: GrmRow, scope: ModelScope): number | null {
  let product = 1;
  for (const f of row.factors) {
    const v = scope.resolve(f.field);
    if (v === null) return null;
    product = updateFactor(product, f, v, scope);
  }
  // A zero factor product decides the row: covariates are not even looked at (JPMML).
  if (product === 0) return product;
  for (const c of row.covariates) {
    const v = scope.resolve(c.field);
    if (v === null) return null;
    const x = toNumber(v);
    product = c.exponent === undefined ? product * x : product * Math.pow(x, c.exponent);
  }
  return product;
}

function updateFactor(product: number, f: GrmFactor, v: Value, scope: ModelScope): number {
  const matrix = f.predictor.contrastMatrix;
  if (!matrix) {
    return valuesEqual(v, coerceLiteral(f.category, v, scope, f.field)) ? product : product * 0;
  }
  const categories = f.predictor.categories ?? [];
  const row = categories.findIndex((c) => valuesEqual(v, coerceLiteral(c, v, scope, f.field)));
  const column = categories.indexOf(f.category);
  if (row < 0 || column < 0) {
    throw new EvaluationError("PMML_GRM_CONTRAST", `value of "${f.field}" has no row in its contrast matrix`, { value: formatValue(v) });
  }
  const element = matrix.rows[row]?.[column];
  if (element === undefined || Number.isNaN(element)) {
    throw new EvaluationError("PMML_GRM_CONTRAST", `contrast matrix of "${f.field}" has no element (${row + 1}, ${column + 1})`, {
      value: [row + 1, column + 1],
    });
  }
  return product * element;
}

function requiredVariable(scope: ModelScope, name: string, what: string): Value {
  const v = scope.resolve(name);
  if (v === null) throw new EvaluationError("PMML_MISSING_VALUE", `${what} "${name}" is missing`, { value: name });
  return v;
}

function offset(model: GeneralRegressionModel, scope: ModelScope): number | undefined {
  if (model.offsetVariable !== undefined) return toNumber(requiredVariable(scope, model.offsetVariable, "offsetVariable"));
  return model.offsetValue;
}

function trials(model: GeneralRegressionModel, scope: ModelScope): number | undefined {
  if (model.trialsVariable !== undefined) {
    const n = toNumber(requiredVariable(scope, model.trialsVariable, "trialsVariable"));
    if (!Number.isInteger(n)) throw new EvaluationError("PMML_GRM_TRIALS", `trialsVariable "${model.trialsVariable}" is not an integer`, { value: n });
    return n;
  }
  return model.trialsValue;
}

/** μ = link⁻¹(η + offset) × trials (§GeneralRegression, generalizedLinear). */
function computeLink(model: GeneralRegressionModel, link: GrmLink, eta: number, scope: ModelScope): number {
  if ("fault" in link) throw link.fault;
  let y = eta;
  const a = offset(model, scope);
  if (a !== undefined) y += a;
  y = inverseLink(link, y);
  const b = trials(model, scope);
  if (b !== undefined) y *= b;
  return y;
}

/** The parameter of negbin (distParameter c), oddspower and power (linkParameter d) is in the plan. */
function inverseLink(link: Exclude<GrmLink, { fault: unknown }>, y: number): number {
  switch (link.link) {
    case "cloglog":
      return 1 - exp(-exp(y));
    case "identity":
      return y;
    case "log":
      return exp(y);
    case "logc":
      return 1 - exp(y);
    case "logit":
      return 1 / (1 + exp(-y));
    case "loglog":
      return exp(-exp(-y));
    case "probit":
      return normalCdf(y);
    case "negbin":
      return 1 / (link.parameter! * (exp(-y) - 1));
    case "oddspower": {
      const d = link.parameter!;
      return d !== 0 ? 1 / (1 + Math.pow(1 + d * y, -(1 / d))) : 1 / (1 + exp(-y));
    }
    case "power": {
      const d = link.parameter!;
      return d !== 0 ? Math.pow(y, 1 / d) : exp(y);
    }
  }
}

/** Cumulative probability link⁻¹(η + offset) of ordinalMultinomial. */
function computeCumulativeLink(model: GeneralRegressionModel, cumulative: GrmCumulativeLink, eta: number, scope: ModelScope): number {
  if ("fault" in cumulative) throw cumulative.fault;
  let y = eta;
  const a = offset(model, scope);
  if (a !== undefined) y += a;
  // The cumulative links are RegressionModel's inverse links of the same names.
  return inverseNormalization(cumulative.link, y);
}

/**
 * CoxRegression: cumulative hazard H₀(t) × exp(η − η_ref), with H₀ read from the baseline
 * table (or the stratum's) at the largest time not after the end time.
 */
function evaluateCox(model: GeneralRegressionModel, eta: readonly GrmTerm[], scope: ModelScope): ModelResult {
  const tables = model.baseCumHazardTables;
  if (model.endTimeVariable === undefined) {
    throw new SchemaError("PMML_MISSING_ATTRIBUTE", "CoxRegression needs an endTimeVariable", { path: model.path, value: "endTimeVariable" });
  }
  if (!tables) {
    throw new SchemaError("PMML_MISSING_ELEMENT", "CoxRegression needs BaseCumHazardTables", { path: model.path, value: "BaseCumHazardTables" });
  }
  let cells = tables.cells;
  let maxTime = tables.maxTime;
  if (model.baselineStrataVariable !== undefined) {
    const v = requiredVariable(scope, model.baselineStrataVariable, "baselineStrataVariable");
    const stratum = tables.strata.find((s) => valuesEqual(v, coerceLiteral(s.value, v, scope, model.baselineStrataVariable!)));
    // "If the value does not have a corresponding BaselineStratum element, then the result is a missing value."
    if (!stratum) return { value: null };
    cells = stratum.cells;
    maxTime = stratum.maxTime;
  }
  if (cells.length === 0 || maxTime === undefined) {
    throw new SchemaError("PMML_GRM_BASELINE", "the baseline hazard table needs BaselineCells and a maxTime", {
      path: `${model.path}/BaseCumHazardTables`,
      value: null,
    });
  }
  const time = toNumber(requiredVariable(scope, model.endTimeVariable, "endTimeVariable"));
  if (time > maxTime) return { value: null };
  let minTime = Infinity;
  for (const c of cells) if (c.time < minTime) minTime = c.time;
  if (time < minTime) return { value: 0 };
  let chosen = cells[0];
  let chosenTime = -Infinity;
  for (const c of cells) {
    if (c.time <= time && c.time > chosenTime) {
      chosen = c;
      chosenTime = c.time;
    }
  }
  const paramCells = eta;
  const r = dotProduct(eta, scope);
  let s: number | null = null;
  const parameters = new Map(model.parameters.map((x) => [x.name, x]));
  for (const cell of paramCells) {
    const parameter = parameters.get(cell.parameterName);
    if (!parameter) {
      s = null;
      break;
    }
    s = (s ?? 0) + cell.beta * parameter.referencePoint;
  }
  if (r === null || s === null) return { value: null };
  return { value: exp(r - s) * chosen.cumHazard };
}
