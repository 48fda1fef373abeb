import {
  PortaError,
  lowerGeneralRegression,
  type GeneralRegressionModel,
  type GeneralRegressionPlan,
  type GrmRow,
  type GrmTarget,
  type GrmTerm,
} from "@porta/ir";
import type { GraphBuilder } from "../graph.ts";
import { NotExportable } from "../refusal.ts";
import { codeOf, type GraphScope } from "../scope.ts";
import { loweringTarget } from "./target.ts";

export type LinearGrmPlan = Exclude<GeneralRegressionPlan, { kind: "cox" }>;

/**
 * GeneralRegressionModel (PMML 4.4 §GeneralRegression) whose linear predictors are plain
 * products: each η = Σ β·row(x) of the lowered plan, one column per η [N, etas] (regression: one),
 * summed in ParamMatrix order from 0 as the interpreter sums. A row is Π factor indicators ×
 * Π covariates (x or x^exponent); a factor product of 0 decides the row, whatever the covariates
 * (JPMML does not read them); a missing predictor makes η NaN, the interpreter's null. The link,
 * offset, trials and the categories' normalisation are the interpreter's generalRegressionResult
 * on the backend's side.
 */
export function generalRegressionEtas(model: GeneralRegressionModel, scope: GraphScope, top: boolean): { etas: string; plan: LinearGrmPlan; count: number } {
  if (model.mathContext === "float") throw new NotExportable('GeneralRegressionModel mathContext="float" is not exported');
  const plan = lowered(model, loweringTarget(model, "GeneralRegressionModel", scope.root.pipeline, top));
  if (plan.kind === "cox") throw new NotExportable('GeneralRegressionModel modelType="CoxRegression" is not exported');
  const etas = plan.kind === "regression" ? [plan.eta] : plan.etas;
  const g = scope.g;
  const rows = new Map<GrmRow, string>();
  const columns = etas.map((terms) => eta(terms, scope, rows));
  return { etas: g.concat(columns), plan, count: columns.length };
}

/** A plan the interpreter rejects is an error on every row it scores: left to the interpreter. */
function lowered(model: GeneralRegressionModel, target: GrmTarget): GeneralRegressionPlan {
  try {
    return lowerGeneralRegression(model, target);
  } catch (e) {
    if (e instanceof PortaError) throw new NotExportable(`GeneralRegressionModel (${e.code}${e.path ? ` at ${e.path}` : ""})`);
    throw e;
  }
}

/** 0 + β₁·row₁ + β₂ + …, left to right; no terms at all is the interpreter's null (NaN). */
function eta(terms: readonly GrmTerm[], scope: GraphScope, rows: Map<GrmRow, string>): string {
  const g = scope.g;
  if (terms.length === 0) return rowShaped(scope, NaN);
  let sum = rowShaped(scope, 0);
  for (const term of terms) {
    if (!term.row) {
      sum = g.add(sum, g.scalar(term.beta));
      continue;
    }
    let x = rows.get(term.row);
    if (x === undefined) rows.set(term.row, (x = rowValue(term.row, scope)));
    sum = g.add(sum, g.mul(g.scalar(term.beta), x));
  }
  return sum;
}

/** Π factors, then × covariates unless the factor product is 0. */
function rowValue(row: GrmRow, scope: GraphScope): string {
  const g = scope.g;
  let factors: string | undefined;
  for (const f of row.factors) {
    if (f.predictor.contrastMatrix) throw new NotExportable(`Predictor name="${f.field}" with a contrast matrix is not exported`);
    const v = scope.resolve(f.field);
    let literal: number;
    if (v.kind === "code") literal = codeOf(v.table, f.category);
    else {
      literal = Number(f.category);
      if (f.category.trim() === "" || Number.isNaN(literal)) throw new NotExportable(`PPCell predictorName="${f.field}" value="${f.category}" is not a number`);
    }
    const indicator = g.where(g.isNaN(v.tensor), g.scalar(NaN), g.where(g.op("Equal", [v.tensor, g.scalar(literal)]), g.scalar(1), g.scalar(0)));
    factors = factors === undefined ? indicator : g.mul(factors, indicator);
  }
  let product = factors;
  for (const c of row.covariates) {
    const v = scope.resolve(c.field);
    if (v.kind !== "number") throw new NotExportable(`Predictor name="${c.field}" (a covariate) is text`);
    const x = c.exponent === undefined ? v.tensor : g.pow(v.tensor, c.exponent);
    // 1 · x is x exactly: a row without factors starts from its first covariate.
    product = product === undefined ? x : g.mul(product, x);
  }
  if (product === undefined) return rowShaped(scope, 1);
  return factors !== undefined && row.covariates.length > 0 ? zeroDecides(g, factors, product) : product;
}

function zeroDecides(g: GraphBuilder, factors: string, product: string): string {
  return g.where(g.op("Equal", [factors, g.scalar(0)]), g.scalar(0), product);
}

/** A constant column [N,1], shaped by the column of a field the top-level model reads (whatever its values). */
function rowShaped(scope: GraphScope, value: number): string {
  const { pipeline } = scope.root;
  const read = pipeline.model.miningSchema.find(
    (m) => m.usageType === "active" && pipeline.dataFields.some((f) => f.name === m.name && COLUMN_TYPES.has(f.dataType)),
  );
  if (!read) throw new NotExportable("GeneralRegressionModel whose MiningSchema reads no numeric or text DataField is not exported");
  const g = scope.g;
  const column = scope.root.resolve(read.name).tensor;
  return g.where(g.isNaN(column), g.scalar(value), g.scalar(value));
}

const COLUMN_TYPES = new Set(["double", "float", "integer", "string"]);
