import type { ModelBase, RegressionModel, RegressionTable } from "@porta/ir";
import { enumAttr, numberAttr, requiredAttr, requiredNumberAttr } from "../attributes.ts";
import type { XmlElement } from "../xml.ts";

const NORMALIZATIONS = ["none", "simplemax", "softmax", "logit", "probit", "cloglog", "exp", "loglog", "cauchit"] as const;

/** RegressionModel (PMML 4.4 §Regression). */
export function parseRegressionModel(el: XmlElement, base: ModelBase): RegressionModel {
  return {
    ...base,
    kind: "regression",
    normalizationMethod: enumAttr(el, "normalizationMethod", NORMALIZATIONS, "none"),
    targetFieldName: el.attr("targetFieldName"),
    tables: el.children("RegressionTable").map(parseRegressionTable),
  };
}

export function parseRegressionTable(el: XmlElement): RegressionTable {
  return {
    intercept: requiredNumberAttr(el, "intercept"),
    targetCategory: el.attr("targetCategory"),
    numericPredictors: el.children("NumericPredictor").map((p) => ({
      field: requiredAttr(p, "name"),
      exponent: numberAttr(p, "exponent", 1),
      coefficient: requiredNumberAttr(p, "coefficient"),
    })),
    categoricalPredictors: el.children("CategoricalPredictor").map((p) => ({
      field: requiredAttr(p, "name"),
      value: requiredAttr(p, "value"),
      coefficient: requiredNumberAttr(p, "coefficient"),
    })),
    predictorTerms: el.children("PredictorTerm").map((t) => ({
      fields: t.children("FieldRef").map((f) => requiredAttr(f, "field")),
      coefficient: requiredNumberAttr(t, "coefficient"),
    })),
  };
}
