import { describe, expect, it } from "vitest";
import type { GeneralRegressionModel } from "../models/general-regression.ts";
import type { Value } from "../values.ts";
import { lowerGeneralRegression, type GrmTarget } from "./general-regression.ts";

const target = (categories: Value[]): GrmTarget => ({ categories, category: (text) => text });

function grm(more: Partial<GeneralRegressionModel>): GeneralRegressionModel {
  return {
    kind: "generalRegression",
    functionName: "classification",
    modelType: "multinomialLogistic",
    path: "/PMML/GeneralRegressionModel",
    miningSchema: [],
    output: [],
    targets: [],
    localTransformations: [],
    parameters: [],
    factors: [{ field: "colour" }],
    covariates: [{ field: "x" }],
    ppMatrix: [],
    paramMatrix: [],
    ...more,
  } as unknown as GeneralRegressionModel;
}

describe("lowerGeneralRegression (PMML 4.4 §GeneralRegression)", () => {
  it("§targetReferenceCategory: the reference category moves last; the other categories keep the declared order", () => {
    const plan = lowerGeneralRegression(
      grm({
        targetReferenceCategory: "a",
        paramMatrix: [
          { parameterName: "p0", beta: 1, targetCategory: "b" },
          { parameterName: "p0", beta: 2, targetCategory: "c" },
        ],
      } as Partial<GeneralRegressionModel>),
      target(["a", "b", "c"]),
    );
    expect(plan.kind === "classification" && plan.categories).toEqual(["b", "c", "a"]);
  });

  it("without targetReferenceCategory the reference is the one category absent from the ParamMatrix", () => {
    const plan = lowerGeneralRegression(
      grm({
        paramMatrix: [
          { parameterName: "p0", beta: 1, targetCategory: "a" },
          { parameterName: "p0", beta: 2, targetCategory: "c" },
        ],
      } as Partial<GeneralRegressionModel>),
      target(["a", "b", "c"]),
    );
    expect(plan.kind === "classification" && plan.categories).toEqual(["a", "c", "b"]);
    expect(plan.kind === "classification" && plan.etas.map((e) => e.map((t) => t.beta))).toEqual([[1], [2]]);
  });

  it("a reference category that cannot be told (two absent) is a SchemaError at the ParamMatrix", () => {
    expect(() =>
      lowerGeneralRegression(
        grm({
          paramMatrix: [{ parameterName: "p0", beta: 1, targetCategory: "a" }],
        } as Partial<GeneralRegressionModel>),
        target(["a", "b", "c"]),
      ),
    ).toThrow(expect.objectContaining({ code: "PMML_GRM_REFERENCE_CATEGORY", path: "/PMML/GeneralRegressionModel/ParamMatrix", value: ["b", "c"] }));
  });

  it("§PPMatrix: a parameter's row multiplies its factor indicators and covariate powers; exponent 1 is plain multiplication", () => {
    const plan = lowerGeneralRegression(
      grm({
        functionName: "regression",
        modelType: "regression",
        ppMatrix: [
          { parameterName: "p1", field: "colour", value: "red" },
          { parameterName: "p1", field: "x", value: "1" },
          { parameterName: "p2", field: "x", value: "2" },
        ],
        paramMatrix: [
          { parameterName: "p0", beta: 0.5 },
          { parameterName: "p1", beta: 2 },
          { parameterName: "p2", beta: 3 },
        ],
      } as Partial<GeneralRegressionModel>),
      target([]),
    );
    if (plan.kind !== "regression") throw new Error("expected a regression plan");
    expect(plan.eta[0].row).toBeUndefined();
    expect(plan.eta[1].row).toMatchObject({ factors: [{ field: "colour", category: "red" }], covariates: [{ field: "x" }] });
    expect(plan.eta[2].row).toMatchObject({ factors: [], covariates: [{ field: "x", exponent: 2 }] });
  });

  it("§PPCell: a cell naming neither a factor nor a covariate, or a covariate with a non-numeric exponent, is a SchemaError", () => {
    const regression = {
      functionName: "regression",
      modelType: "regression",
      paramMatrix: [{ parameterName: "p1", beta: 1 }],
    } as Partial<GeneralRegressionModel>;
    expect(() =>
      lowerGeneralRegression(
        grm({ ...regression, ppMatrix: [{ parameterName: "p1", field: "z", value: "1" }] } as Partial<GeneralRegressionModel>),
        target([]),
      ),
    ).toThrow(expect.objectContaining({ code: "PMML_GRM_PREDICTOR", value: "z" }));
    expect(() =>
      lowerGeneralRegression(
        grm({ ...regression, ppMatrix: [{ parameterName: "p1", field: "x", value: "two" }] } as Partial<GeneralRegressionModel>),
        target([]),
      ),
    ).toThrow(expect.objectContaining({ code: "PMML_GRM_EXPONENT", value: "two" }));
  });

  it("§linkFunction: generalizedLinear needs a link; distParameter belongs to negbin and linkParameter to oddspower/power only (a fault raised where η reaches the link)", () => {
    const base = {
      functionName: "regression",
      modelType: "generalizedLinear",
      paramMatrix: [{ parameterName: "p0", beta: 1 }],
    } as Partial<GeneralRegressionModel>;
    const linkOf = (more: Partial<GeneralRegressionModel>) => {
      const plan = lowerGeneralRegression(grm({ ...base, ...more }), target([]));
      return plan.kind === "regression" ? plan.link : undefined;
    };
    expect(linkOf({})).toMatchObject({ fault: { code: "PMML_MISSING_ATTRIBUTE", value: "linkFunction" } });
    expect(linkOf({ linkFunction: "logit", distParameter: 2 })).toMatchObject({ fault: { code: "PMML_MISPLACED_ATTRIBUTE", value: 2 } });
    expect(linkOf({ linkFunction: "power" })).toMatchObject({ fault: { code: "PMML_MISSING_ATTRIBUTE", value: "linkParameter" } });
    const plan = lowerGeneralRegression(grm({ ...base, linkFunction: "negbin", distParameter: 2 }), target([]));
    expect(plan.kind === "regression" && plan.link).toEqual({ link: "negbin", parameter: 2 });
  });

  it("§ordinalMultinomial: each category's η is its own intercept PCell then the common PCells; cumulativeLink is required", () => {
    const base = {
      modelType: "ordinalMultinomial",
      cumulativeLink: "logit",
      paramMatrix: [
        { parameterName: "i", beta: -1, targetCategory: "lo" },
        { parameterName: "i", beta: 1, targetCategory: "mid" },
        { parameterName: "x", beta: 0.5 },
      ],
    } as Partial<GeneralRegressionModel>;
    const plan = lowerGeneralRegression(grm(base), target(["lo", "mid", "hi"]));
    expect(plan.kind === "classification" && plan.etas.map((e) => e.map((t) => t.beta))).toEqual([
      [-1, 0.5],
      [1, 0.5],
    ]);
    const without = lowerGeneralRegression(grm({ ...base, cumulativeLink: undefined }), target(["lo", "mid", "hi"]));
    expect(without.kind === "classification" && without.cumulativeLink).toMatchObject({ fault: { code: "PMML_MISSING_ATTRIBUTE", value: "cumulativeLink" } });
  });

  it("a classification model needs a target with two categories at least", () => {
    expect(() => lowerGeneralRegression(grm({}), target(["a"]))).toThrow(expect.objectContaining({ code: "PMML_GRM_CATEGORIES" }));
  });
});
