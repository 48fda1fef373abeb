import { SchemaError } from "../errors.ts";
import type { CumulativeLink, GeneralRegressionLink, GeneralRegressionModel, GeneralRegressionPredictor } from "../models/general-regression.ts";
import { formatValue, valuesEqual, type Value } from "../values.ts";
import { memoizedPlan } from "./plan-cache.ts";

/**
 * GeneralRegressionModel (PMML 4.4 §GeneralRegression) lowered: the PPMatrix and ParamMatrix
 * grouped into one list of terms per linear predictor η = Σ β·row(x) (ParamMatrix order), the
 * target categories with the reference category last, and the checked link. Backends hold only
 * the per-row products and the link arithmetic.
 */

/** A factor cell of a PPMatrix row: a category indicator, or a contrast-matrix lookup. */
export interface GrmFactor {
  readonly field: string;
  readonly category: string;
  readonly predictor: GeneralRegressionPredictor;
}

/** A covariate cell of a PPMatrix row: x, or x^exponent (undefined for 1: plain multiplication, as JPMML). */
export interface GrmCovariate {
  readonly field: string;
  readonly exponent?: number;
}

/** The predictor side of one parameter: Π factors × Π covariates. One object per parameter, shared by the terms that use it. */
export interface GrmRow {
  readonly factors: readonly GrmFactor[];
  readonly covariates: readonly GrmCovariate[];
}

/** β × row(x), or β alone when the parameter has no PPCells (the intercept). */
export interface GrmTerm {
  readonly beta: number;
  readonly parameterName: string;
  readonly row?: GrmRow;
}

/** The target as lowering needs it: its declared categories and how a document category is typed. */
export interface GrmTarget {
  readonly categories: readonly Value[];
  category(text: string): Value;
}

/**
 * μ = link⁻¹(η + offset) × trials; `parameter` is distParameter (negbin) or linkParameter
 * (oddspower, power). A malformed link is a `fault`: JPMML raises it only when a prediction
 * reaches the link (a missing η never does), so backends raise it there too.
 */
export type GrmLink = { readonly link: GeneralRegressionLink; readonly parameter?: number } | { readonly fault: SchemaError };

/** ordinalMultinomial's cumulative link, or the fault of its absence (raised where the link is reached, as GrmLink). */
export type GrmCumulativeLink = { readonly link: CumulativeLink } | { readonly fault: SchemaError };

export type GeneralRegressionPlan =
  | {
      readonly kind: "regression";
      readonly modelType: "regression" | "generalLinear" | "generalizedLinear";
      readonly eta: readonly GrmTerm[];
      /** generalizedLinear only. */
      readonly link?: GrmLink;
    }
  | {
      readonly kind: "classification";
      readonly modelType: "multinomialLogistic" | "ordinalMultinomial" | "generalizedLinear";
      /** The target's declared categories with the reference category last. */
      readonly categories: readonly Value[];
      /** One η per category but the last (the reference: its parameters are 0 by convention). */
      readonly etas: readonly (readonly GrmTerm[])[];
      /** generalizedLinear only. */
      readonly link?: GrmLink;
      /** ordinalMultinomial only. */
      readonly cumulativeLink?: GrmCumulativeLink;
    }
  | { readonly kind: "cox"; readonly eta: readonly GrmTerm[] };

/** Key of the default group (cells without targetCategory). */
const DEFAULT = "\u0000default";

/** The plan of `model` whose target is `target` (memoized per model node: a node has one target). */
export const lowerGeneralRegression: (model: GeneralRegressionModel, target: GrmTarget) => GeneralRegressionPlan = memoizedPlan(lower);

function lower(model: GeneralRegressionModel, target: GrmTarget): GeneralRegressionPlan {
  const keyOf = (text: string | undefined): string => (text === undefined ? DEFAULT : formatValue(target.category(text)));
  const ppRows = groupPPMatrix(model, keyOf);
  const paramCells = new Map<string, GeneralRegressionModel["paramMatrix"]>();
  for (const cell of model.paramMatrix) {
    const key = keyOf(cell.targetCategory);
    let cells = paramCells.get(key);
    if (!cells) paramCells.set(key, (cells = []));
    cells.push(cell);
  }
  const terms = (cells: GeneralRegressionModel["paramMatrix"], rows: Map<string, GrmRow>): GrmTerm[] =>
    cells.map((c) => ({ beta: c.beta, parameterName: c.parameterName, row: rows.get(c.parameterName) }));
  const defaultEta = (): GrmTerm[] => {
    const rows = ppRows.size === 0 ? new Map<string, GrmRow>() : ppRows.get(DEFAULT);
    if (!rows) {
      throw new SchemaError("PMML_GRM_PPMATRIX", "a regression GeneralRegressionModel needs PPCells without targetCategory", {
        path: `${model.path}/PPMatrix`,
        value: null,
      });
    }
    const cells = paramCells.get(DEFAULT);
    if (paramCells.size !== 1 || !cells) {
      throw new SchemaError("PMML_GRM_PARAMMATRIX", "a regression GeneralRegressionModel needs one set of PCells without targetCategory", {
        path: `${model.path}/ParamMatrix`,
        value: [...paramCells.keys()].filter((k) => k !== DEFAULT),
      });
    }
    return terms(cells, rows);
  };
  switch (model.functionName) {
    case "regression": {
      if (model.modelType === "CoxRegression") return { kind: "cox", eta: defaultEta() };
      const modelType = model.modelType;
      if (modelType !== "regression" && modelType !== "generalLinear" && modelType !== "generalizedLinear") {
        throw new SchemaError("PMML_GRM_MODEL_TYPE", `modelType "${modelType}" cannot do regression`, { path: model.path, value: modelType });
      }
      const eta = defaultEta();
      return modelType === "generalizedLinear" ? { kind: "regression", modelType, eta, link: linkOf(model) } : { kind: "regression", modelType, eta };
    }
    case "classification": {
      const modelType = model.modelType;
      if (modelType !== "multinomialLogistic" && modelType !== "ordinalMultinomial" && modelType !== "generalizedLinear") {
        throw new SchemaError("PMML_GRM_MODEL_TYPE", `modelType "${modelType}" cannot do classification`, { path: model.path, value: modelType });
      }
      const categories = orderedCategories(model, paramCells, target);
      const etas = categories.slice(0, -1).map((c) => {
        const key = formatValue(c);
        const rows = ppRows.size === 0 ? new Map<string, GrmRow>() : (ppRows.get(key) ?? ppRows.get(DEFAULT));
        if (!rows) throw new SchemaError("PMML_GRM_PPMATRIX", `no PPCells apply to target category "${key}"`, { path: `${model.path}/PPMatrix`, value: key });
        return terms(categoryCells(model, modelType, paramCells, key, categories.length), rows);
      });
      if (modelType === "generalizedLinear") return { kind: "classification", modelType, categories, etas, link: linkOf(model) };
      if (modelType === "ordinalMultinomial") {
        const cumulativeLink =
          model.cumulativeLink === undefined
            ? { fault: new SchemaError("PMML_MISSING_ATTRIBUTE", "ordinalMultinomial needs a cumulativeLink", { path: model.path, value: "cumulativeLink" }) }
            : { link: model.cumulativeLink };
        return { kind: "classification", modelType, categories, etas, cumulativeLink };
      }
      return { kind: "classification", modelType, categories, etas };
    }
    default:
      throw new SchemaError("PMML_FUNCTION_NAME", `GeneralRegressionModel cannot do ${model.functionName}`, { path: model.path, value: model.functionName });
  }
}

/** targetCategory (canonical text, or DEFAULT) → parameterName → row, validating each PPCell's predictor. */
function groupPPMatrix(model: GeneralRegressionModel, keyOf: (text: string | undefined) => string): Map<string, Map<string, GrmRow>> {
  const factors = new Map(model.factors.map((p) => [p.field, p]));
  const covariates = new Set(model.covariates.map((p) => p.field));
  const ppRows = new Map<string, Map<string, { factors: GrmFactor[]; covariates: GrmCovariate[] }>>();
  for (const cell of model.ppMatrix) {
    const key = keyOf(cell.targetCategory);
    let rows = ppRows.get(key);
    if (!rows) ppRows.set(key, (rows = new Map()));
    let row = rows.get(cell.parameterName);
    if (!row) rows.set(cell.parameterName, (row = { factors: [], covariates: [] }));
    const factor = factors.get(cell.field);
    if (factor) {
      row.factors.push({ field: cell.field, category: cell.value, predictor: factor });
    } else if (covariates.has(cell.field)) {
      // §PPCell: for a covariate, value is the exponent.
      const exponent = Number(cell.value);
      if (Number.isNaN(exponent) || cell.value.trim() === "") {
        throw new SchemaError("PMML_GRM_EXPONENT", `PPCell for covariate "${cell.field}" needs a numeric value (its exponent)`, {
          path: model.path,
          value: cell.value,
        });
      }
      row.covariates.push(exponent === 1 ? { field: cell.field } : { field: cell.field, exponent });
    } else {
      throw new SchemaError("PMML_GRM_PREDICTOR", `PPCell names "${cell.field}", which is neither in the FactorList nor in the CovariateList`, {
        path: `${model.path}/PPMatrix`,
        value: cell.field,
      });
    }
  }
  return ppRows;
}

/** The PCells of one non-reference category's η. */
function categoryCells(
  model: GeneralRegressionModel,
  modelType: string,
  paramCells: Map<string, GeneralRegressionModel["paramMatrix"]>,
  key: string,
  categoryCount: number,
): GeneralRegressionModel["paramMatrix"] {
  if (modelType === "ordinalMultinomial") {
    // "ParamMatrix specifies different values for the intercept parameter: one for each
    // target category except one. Values for all other parameters are constant."
    const intercept = paramCells.get(key);
    const common = paramCells.get(DEFAULT);
    if (intercept?.length !== 1 || !common) {
      throw new SchemaError("PMML_GRM_PARAMMATRIX", `ordinalMultinomial needs one intercept PCell for "${key}" and PCells without targetCategory`, {
        path: `${model.path}/ParamMatrix`,
        value: key,
      });
    }
    return [...intercept, ...common];
  }
  // Binomial models may leave targetCategory out of their PCells.
  const cells = paramCells.get(key) ?? (categoryCount === 2 ? paramCells.get(DEFAULT) : undefined);
  if (!cells) throw new SchemaError("PMML_GRM_PARAMMATRIX", `no PCells for target category "${key}"`, { path: `${model.path}/ParamMatrix`, value: key });
  return cells;
}

/** Target categories with the reference category moved last (§GeneralRegression targetReferenceCategory). */
function orderedCategories(model: GeneralRegressionModel, paramCells: Map<string, unknown>, target: GrmTarget): Value[] {
  // JPMML takes the categories of the target field only (its Values), and needs two at least.
  const categories = target.categories.slice();
  if (categories.length < 2) {
    throw new SchemaError("PMML_GRM_CATEGORIES", "a classification GeneralRegressionModel needs a target field with at least two categories (Values)", {
      path: model.path,
      value: categories.map(formatValue),
    });
  }
  let reference: Value | undefined = model.targetReferenceCategory === undefined ? undefined : target.category(model.targetReferenceCategory);
  if (reference === undefined && model.modelType !== "ordinalMultinomial") {
    // "The reference category is the one from DataDictionary that does not appear in the ParamMatrix."
    const absent = categories.filter((c) => !paramCells.has(formatValue(c)));
    // Exactly one category must be absent: binomial PCells without targetCategory do not tell it.
    if (absent.length !== 1) {
      throw new SchemaError("PMML_GRM_REFERENCE_CATEGORY", "cannot tell the reference category: give targetReferenceCategory", {
        path: `${model.path}/ParamMatrix`,
        value: absent.map(formatValue),
      });
    }
    reference = absent[0];
  }
  if (reference !== undefined) {
    const idx = categories.findIndex((c) => valuesEqual(c, reference!));
    if (idx >= 0) categories.push(...categories.splice(idx, 1));
  }
  return categories;
}

/**
 * generalizedLinear's link. JPMML's computeLink refuses a distParameter beside any link but
 * negbin and a linkParameter beside any but oddspower and power (MisplacedAttributeException),
 * and needs them there.
 */
function linkOf(model: GeneralRegressionModel): GrmLink {
  const link = model.linkFunction;
  if (link === undefined) {
    return { fault: new SchemaError("PMML_MISSING_ATTRIBUTE", "generalizedLinear needs a linkFunction", { path: model.path, value: "linkFunction" }) };
  }
  const needsDist = link === "negbin";
  const needsLink = link === "oddspower" || link === "power";
  for (const [name, v, needed] of [
    ["distParameter", model.distParameter, needsDist],
    ["linkParameter", model.linkParameter, needsLink],
  ] as const) {
    if (v !== undefined && !needed) {
      return {
        fault: new SchemaError("PMML_MISPLACED_ATTRIBUTE", `${name} does not apply to linkFunction "${link}"`, { path: `${model.path}/@${name}`, value: v }),
      };
    }
    if (v === undefined && needed) {
      return { fault: new SchemaError("PMML_MISSING_ATTRIBUTE", `linkFunction "${link}" needs ${name}`, { path: model.path, value: name }) };
    }
  }
  const parameter = needsDist ? model.distParameter : needsLink ? model.linkParameter : undefined;
  return parameter === undefined ? { link } : { link, parameter };
}
