import {
  SchemaError,
  type BaseCumHazardTables,
  type BaselineCell,
  type ContrastMatrix,
  type GeneralRegressionModel,
  type GeneralRegressionPredictor,
  type ModelBase,
} from "@porta/ir";
import { enumAttr, numberAttr, numberArray, requiredAttr, requiredNumberAttr } from "../attributes.ts";
import { unsupported } from "../dictionary.ts";
import type { XmlElement } from "../xml.ts";

const MODEL_TYPES = ["regression", "generalLinear", "multinomialLogistic", "ordinalMultinomial", "generalizedLinear", "CoxRegression"] as const;
const LINKS = ["cloglog", "identity", "log", "logc", "logit", "loglog", "negbin", "oddspower", "power", "probit"] as const;
const CUMULATIVE_LINKS = ["logit", "probit", "cloglog", "loglog", "cauchit"] as const;

/** GeneralRegressionModel (PMML 4.4 §GeneralRegression). */
export function parseGeneralRegressionModel(el: XmlElement, base: ModelBase): GeneralRegressionModel {
  const modelType = enumAttr(el, "modelType", MODEL_TYPES) ?? (requiredAttr(el, "modelType") as never);
  const parameterList = el.child("ParameterList");
  const paramMatrix = el.child("ParamMatrix");
  if (!parameterList) throw missing(el, "ParameterList");
  if (!paramMatrix) throw missing(el, "ParamMatrix");
  const ppMatrix = el.child("PPMatrix");
  if (!ppMatrix) throw missing(el, "PPMatrix");
  return {
    ...base,
    kind: "generalRegression",
    modelType,
    targetVariableName: el.attr("targetVariableName"),
    targetReferenceCategory: el.attr("targetReferenceCategory"),
    linkFunction: enumAttr(el, "linkFunction", LINKS),
    linkParameter: numberAttr(el, "linkParameter"),
    distribution: el.attr("distribution"),
    distParameter: numberAttr(el, "distParameter"),
    cumulativeLink: enumAttr(el, "cumulativeLink", CUMULATIVE_LINKS),
    offsetVariable: el.attr("offsetVariable"),
    offsetValue: numberAttr(el, "offsetValue"),
    trialsVariable: el.attr("trialsVariable"),
    trialsValue: numberAttr(el, "trialsValue"),
    endTimeVariable: el.attr("endTimeVariable"),
    startTimeVariable: el.attr("startTimeVariable"),
    statusVariable: el.attr("statusVariable"),
    baselineStrataVariable: el.attr("baselineStrataVariable"),
    baseCumHazardTables: parseBaseCumHazardTables(el.child("BaseCumHazardTables")),
    parameters: parameterList.children("Parameter").map((p) => ({
      name: requiredAttr(p, "name"),
      label: p.attr("label"),
      referencePoint: numberAttr(p, "referencePoint", 0),
    })),
    factors: predictors(el.child("FactorList")),
    covariates: predictors(el.child("CovariateList")),
    ppMatrix: ppMatrix.children("PPCell").map((c) => ({
      // PMML 4.4 renamed predictorName to field.
      field: c.attr("predictorName") ?? requiredAttr(c, "field"),
      value: requiredAttr(c, "value"),
      parameterName: requiredAttr(c, "parameterName"),
      targetCategory: c.attr("targetCategory"),
    })),
    paramMatrix: paramMatrix.children("PCell").map((c) => ({
      parameterName: requiredAttr(c, "parameterName"),
      beta: requiredNumberAttr(c, "beta"),
      targetCategory: c.attr("targetCategory"),
    })),
  };
}

function missing(el: XmlElement, name: string): SchemaError {
  return new SchemaError("PMML_MISSING_ELEMENT", `${el.name} needs a ${name}`, { path: el.path, value: name });
}

function predictors(list: XmlElement | undefined): GeneralRegressionPredictor[] {
  if (!list) return [];
  return list.children("Predictor").map((p) => {
    const field = p.attr("name") ?? requiredAttr(p, "field");
    const matrix = p.child("Matrix");
    if (!matrix) return { field };
    const categories = p.child("Categories");
    if (!categories) unsupported(matrix, "Predictor/Matrix without Categories");
    return {
      field,
      categories: categories.children("Category").map((c) => requiredAttr(c, "value")),
      contrastMatrix: parseMatrix(matrix),
    };
  });
}

/**
 * PMML Matrix (§Common elements): kind "diagonal" (one Array of diagonal values), "symmetric"
 * (lower-triangle rows), "any" (full rows), or sparse MatCells with diagDefault/offDiagDefault.
 */
export function parseMatrix(el: XmlElement): ContrastMatrix {
  const kind = enumAttr(el, "kind", ["diagonal", "symmetric", "any"] as const, "any");
  const arrays = el.children("Array").map(numberArray);
  const cells = el.children("MatCell").map((c) => ({ row: requiredNumberAttr(c, "row"), col: requiredNumberAttr(c, "col"), value: Number(c.text().trim()) }));
  const diagDefault = numberAttr(el, "diagDefault");
  const offDiagDefault = numberAttr(el, "offDiagDefault");
  let n = numberAttr(el, "nbRows") ?? 0;
  let m = numberAttr(el, "nbCols") ?? 0;
  if (kind === "diagonal" && arrays.length > 0) n = m = Math.max(n, arrays[0].length);
  else if (arrays.length > 0) {
    n = Math.max(n, arrays.length);
    m = Math.max(m, ...arrays.map((a) => a.length), kind === "symmetric" ? arrays.length : 0);
  }
  for (const c of cells) {
    n = Math.max(n, c.row);
    m = Math.max(m, c.col);
  }
  const rows: number[][] = [];
  for (let i = 0; i < n; i++) {
    const row: number[] = [];
    for (let j = 0; j < m; j++) {
      let v: number | undefined;
      if (kind === "diagonal" && arrays.length > 0) v = i === j ? arrays[0][i] : (offDiagDefault ?? 0);
      else if (kind === "symmetric" && arrays.length > 0) v = j <= i ? arrays[i]?.[j] : arrays[j]?.[i];
      else if (arrays.length > 0) v = arrays[i]?.[j];
      if (v === undefined) v = i === j ? diagDefault : offDiagDefault;
      row.push(v ?? NaN);
    }
    rows.push(row);
  }
  for (const c of cells) {
    if (c.row < 1 || c.col < 1 || Number.isNaN(c.value)) {
      throw new SchemaError("PMML_BAD_MATCELL", "MatCell needs 1-based row/col and a number", { path: el.path, value: c });
    }
    rows[c.row - 1][c.col - 1] = c.value;
    if (kind === "symmetric") rows[c.col - 1][c.row - 1] = c.value;
  }
  return { rows };
}

function parseBaseCumHazardTables(el: XmlElement | undefined): BaseCumHazardTables | undefined {
  if (!el) return undefined;
  const cells = (parent: XmlElement): BaselineCell[] =>
    parent.children("BaselineCell").map((c) => ({
      time: requiredNumberAttr(c, "time"),
      cumHazard: requiredNumberAttr(c, "cumHazard"),
    }));
  return {
    maxTime: numberAttr(el, "maxTime"),
    cells: cells(el),
    strata: el.children("BaselineStratum").map((s) => ({
      value: requiredAttr(s, "value"),
      label: s.attr("label"),
      maxTime: requiredNumberAttr(s, "maxTime"),
      cells: cells(s),
    })),
  };
}
