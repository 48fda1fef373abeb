import type { ModelBase } from "../model.ts";

export type RegressionNormalization =
  | "none" | "simplemax" | "softmax" | "logit" | "probit" | "cloglog" | "exp" | "loglog" | "cauchit";

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

/**
 * JPMML's non-standard reading of softmax over two tables whose second is the zero default
 * table (intercept 0, no predictors; how binary logistic regressions are exported): the binary
 * logit, P(first) = 1/(1+e^−y₀) and P(second) = 1 − P(first).
 */
export function binarySoftmaxAsLogit(method: RegressionNormalization, tables: readonly RegressionTable[]): RegressionNormalization {
  if (method !== "softmax" || tables.length !== 2) return method;
  const t = tables[1];
  const isDefault = t.numericPredictors.length === 0 && t.categoricalPredictors.length === 0 && t.predictorTerms.length === 0 && t.intercept === 0;
  return isDefault ? "logit" : method;
}
