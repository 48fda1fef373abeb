import type { ModelBase } from "../model.ts";

export type GeneralRegressionModelType = "regression" | "generalLinear" | "multinomialLogistic" | "ordinalMultinomial" | "generalizedLinear" | "CoxRegression";

export type GeneralRegressionLink = "cloglog" | "identity" | "log" | "logc" | "logit" | "loglog" | "negbin" | "oddspower" | "power" | "probit";

export type CumulativeLink = "logit" | "probit" | "cloglog" | "loglog" | "cauchit";

/** A dense contrast matrix (§GeneralRegression Predictor/Matrix), 1-based in the document, 0-based here. */
export interface ContrastMatrix {
  /** NaN where the document gives no element (and no default). */
  rows: number[][];
}

/** One Predictor of the FactorList or CovariateList. */
export interface GeneralRegressionPredictor {
  field: string;
  /** Factors with a contrast matrix: the categories that index its rows and columns. */
  categories?: string[];
  contrastMatrix?: ContrastMatrix;
}

/** One PPCell: a factor level (factor) or an exponent (covariate) for one parameter. */
export interface PPCell {
  field: string;
  /** Factor category, or covariate exponent, as text. */
  value: string;
  parameterName: string;
  targetCategory?: string;
}

/** One PCell of the ParamMatrix. */
export interface PCell {
  parameterName: string;
  beta: number;
  targetCategory?: string;
}

export interface GeneralRegressionParameter {
  name: string;
  label?: string;
  referencePoint: number;
}

export interface BaselineCell {
  time: number;
  cumHazard: number;
}

/** BaseCumHazardTables of a Cox regression: one table, or one per stratum. */
export interface BaseCumHazardTables {
  maxTime?: number;
  cells: BaselineCell[];
  strata: { value: string; label?: string; maxTime: number; cells: BaselineCell[] }[];
}

/**
 * GeneralRegressionModel (PMML 4.4 §GeneralRegression): parameters combine predictors through
 * the PPMatrix; the ParamMatrix gives the coefficients (per target category for classification).
 */
export interface GeneralRegressionModel extends ModelBase {
  kind: "generalRegression";
  modelType: GeneralRegressionModelType;
  targetVariableName?: string;
  targetReferenceCategory?: string;
  linkFunction?: GeneralRegressionLink;
  linkParameter?: number;
  distribution?: string;
  distParameter?: number;
  cumulativeLink?: CumulativeLink;
  offsetVariable?: string;
  offsetValue?: number;
  trialsVariable?: string;
  trialsValue?: number;
  /** CoxRegression. */
  endTimeVariable?: string;
  startTimeVariable?: string;
  statusVariable?: string;
  baselineStrataVariable?: string;
  baseCumHazardTables?: BaseCumHazardTables;
  parameters: GeneralRegressionParameter[];
  factors: GeneralRegressionPredictor[];
  covariates: GeneralRegressionPredictor[];
  ppMatrix: PPCell[];
  paramMatrix: PCell[];
}
