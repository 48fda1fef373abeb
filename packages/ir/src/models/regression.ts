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
