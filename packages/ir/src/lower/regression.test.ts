import { describe, expect, it } from "vitest";
import type { RegressionModel, RegressionTable } from "../models/regression.ts";
import { lowerRegression, type RegressionTarget } from "./regression.ts";

const table = (targetCategory: string | undefined, predictors = 1, intercept = 0): RegressionTable =>
  ({
    intercept,
    targetCategory,
    numericPredictors: Array.from({ length: predictors }, () => ({ field: "x", exponent: 1, coefficient: 1 })),
    categoricalPredictors: [],
    predictorTerms: [],
  }) as unknown as RegressionTable;

function model(more: Partial<RegressionModel>): RegressionModel {
  return {
    kind: "regression",
    functionName: "classification",
    normalizationMethod: "softmax",
    path: "/PMML/RegressionModel",
    miningSchema: [],
    output: [],
    targets: [],
    localTransformations: [],
    tables: [],
    ...more,
  } as unknown as RegressionModel;
}
const categorical: RegressionTarget = { opType: "categorical", category: (text) => text };

describe("lowerRegression (PMML 4.4 §Regression)", () => {
  it("§functionName regression: exactly one RegressionTable; simplemax cannot normalise a regression result", () => {
    expect(() => lowerRegression(model({ functionName: "regression", tables: [table(undefined), table(undefined)] }), categorical)).toThrow(
      expect.objectContaining({ code: "PMML_REGRESSION_TABLES", value: 2 }),
    );
    expect(() => lowerRegression(model({ functionName: "regression", normalizationMethod: "simplemax", tables: [table(undefined)] }), categorical)).toThrow(
      expect.objectContaining({ code: "PMML_BAD_ATTRIBUTE", path: "/PMML/RegressionModel/@normalizationMethod" }),
    );
    const plan = lowerRegression(model({ functionName: "regression", normalizationMethod: "exp", tables: [table(undefined)] }), categorical);
    expect(plan).toMatchObject({ kind: "regression", normalization: "exp", float: false });
  });

  it("§normalizationMethod softmax over several tables: a multinomial scheme; categories typed in table order", () => {
    const plan = lowerRegression(model({ tables: [table("a"), table("b"), table("c")] }), { opType: "categorical", category: (t) => t.toUpperCase() });
    expect(plan.kind === "classification" && plan.normalization).toEqual({ scheme: { kind: "multinomial", method: "softmax" }, categories: ["A", "B", "C"] });
  });

  it("an ordinal target takes a cumulative link (§Regression: ordinal targets)", () => {
    const plan = lowerRegression(model({ normalizationMethod: "logit", tables: [table("lo"), table("mid"), table("hi", 0)] }), {
      opType: "ordinal",
      category: (t) => t,
    });
    expect(plan.kind === "classification" && "scheme" in plan.normalization && plan.normalization.scheme).toEqual({ kind: "ordinal", link: "logit" });
  });

  it("a method JPMML refuses, or a table without targetCategory, is a fault raised where the table values are all present", () => {
    const refused = lowerRegression(model({ normalizationMethod: "exp", tables: [table("a"), table("b"), table("c")] }), categorical);
    expect(refused.kind === "classification" && refused.normalization).toMatchObject({ fault: { code: "PMML_BAD_ATTRIBUTE", value: "exp" } });
    const unnamed = lowerRegression(model({ tables: [table("a"), table(undefined), table("c")] }), categorical);
    expect(unnamed.kind === "classification" && unnamed.normalization).toMatchObject({ fault: { code: "PMML_TARGET_CATEGORY", value: 1 } });
  });

  it("a functionName other than regression or classification is a SchemaError", () => {
    expect(() => lowerRegression(model({ functionName: "clustering" as RegressionModel["functionName"] }), categorical)).toThrow(
      expect.objectContaining({ code: "PMML_FUNCTION_NAME" }),
    );
  });
});
