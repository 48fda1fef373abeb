import type { ModelBase } from "../model.ts";

export type RegressionNormalization = "none" | "simplemax" | "softmax" | "logit" | "probit" | "cloglog" | "exp" | "loglog" | "cauchit";

export interface NumericPredictor {
  field: string;
  exponent: number;
  coefficient: number;
}

export interface CategoricalPredictor {
  field: string;
  /** Category as text; compared after conversion to the field's type. */
  value: string;
  coefficient: number;
}

export interface PredictorTerm {
  fields: string[];
  coefficient: number;
}

export interface RegressionTable {
  intercept: number;
  targetCategory?: string;
  numericPredictors: NumericPredictor[];
  categoricalPredictors: CategoricalPredictor[];
  predictorTerms: PredictorTerm[];
}

export interface RegressionModel extends ModelBase {
  kind: "regression";
  normalizationMethod: RegressionNormalization;
  targetFieldName?: string;
  tables: RegressionTable[];
}

/** A link normalisation that maps one table value to a probability (PMML 4.4 §Regression). */
export type RegressionLink = "none" | "logit" | "probit" | "cloglog" | "loglog" | "cauchit";

/**
 * How a classification RegressionModel turns its table values into probabilities, as
 * JPMML-Evaluator (1.6/1.7, RegressionTableUtil) decides it from normalizationMethod, the
 * target's optype and the number of tables:
 * - `binomial`: P(first) = link⁻¹(y₀) (none: y₀ restricted to [0, 1]), P(second) = 1 − P(first);
 * - `multinomial`: softmax/simplemax over all tables; none: the last category takes 1 − Σ of
 *   the others when its table is a reference table (no predictors; JPMML's residual), while a
 *   last table with predictors of its own is its own score (`identity`: every table's value as it
 *   is, the winner the largest; nyoka's one-vs-rest LinearSVC chains write their decision values
 *   so, and a residual would throw the last table away); logit (JPMML's non-standard reading):
 *   1/(1+e^−yₖ) per table, then divided by their sum;
 * - `ordinal`: cumulative link, P(≤k) = link⁻¹(yₖ) for all but the last table, each category
 *   the difference of consecutive cumulative probabilities, the last 1 − P(≤ second last);
 * - `refused`: a combination JPMML rejects (InvalidAttributeException on normalizationMethod).
 */
export type ClassificationScheme =
  | { kind: "binomial"; link: RegressionLink }
  | { kind: "multinomial"; method: "none" | "identity" | "softmax" | "simplemax" | "logit" }
  | { kind: "ordinal"; link: RegressionLink }
  | { kind: "refused"; reason: string };

const LINKS: readonly RegressionNormalization[] = ["none", "logit", "probit", "cloglog", "loglog", "cauchit"];

export function classificationScheme(
  method: RegressionNormalization,
  opType: "categorical" | "ordinal" | "continuous" | undefined,
  tables: readonly RegressionTable[],
): ClassificationScheme {
  const link = LINKS.includes(method) ? (method as RegressionLink) : undefined;
  if (opType === "ordinal") {
    return link ? { kind: "ordinal", link } : { kind: "refused", reason: `normalizationMethod "${method}" cannot normalise an ordinal target` };
  }
  if (tables.length === 2) {
    if (link) return { kind: "binomial", link };
    if (binarySoftmaxAsLogit(method, tables) === "logit") return { kind: "binomial", link: "logit" };
    if (method === "softmax" || method === "simplemax") return { kind: "multinomial", method };
    return { kind: "refused", reason: `normalizationMethod "${method}" cannot normalise a classification` };
  }
  if (method === "none") return { kind: "multinomial", method: isReferenceTable(tables[tables.length - 1]) ? "none" : "identity" };
  if (method === "softmax" || method === "simplemax" || method === "logit") return { kind: "multinomial", method };
  return { kind: "refused", reason: `normalizationMethod "${method}" cannot normalise more than two categorical RegressionTables` };
}

/**
 * JPMML's non-standard reading of softmax over two tables whose second is the zero default
 * table (intercept 0, no predictors; how binary logistic regressions are exported): the binary
 * logit, P(first) = 1/(1+e^−y₀) and P(second) = 1 − P(first).
 */
export function binarySoftmaxAsLogit(method: RegressionNormalization, tables: readonly RegressionTable[]): RegressionNormalization {
  if (method !== "softmax" || tables.length !== 2) return method;
  const t = tables[1];
  return isReferenceTable(t) && t.intercept === 0 ? "logit" : method;
}

/** A table without predictors: a category whose value the others' define (intercept aside). */
function isReferenceTable(t: RegressionTable | undefined): boolean {
  return t !== undefined && t.numericPredictors.length === 0 && t.categoricalPredictors.length === 0 && t.predictorTerms.length === 0;
}
