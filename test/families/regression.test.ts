import { describe, expect, it } from "vitest";
import { parsePmml } from "@porta/pmml";
import { pmmlModel } from "@porta/runtime";
import { pmml, xyRows } from "../../packages/compile-js/src/families/same-answers.test-helper.ts";
import { describeEachBackend } from "../each-backend.ts";

const fields = `<DataField name="x" optype="continuous" dataType="double"/>
<DataField name="y" optype="continuous" dataType="double"/>
<DataField name="z" optype="categorical" dataType="string"><Value value="a"/><Value value="b"/><Value value="c"/></DataField>
<DataField name="g" optype="ordinal" dataType="string"><Value value="low"/><Value value="mid"/><Value value="high"/><Value value="top"/></DataField>
<DataField name="k" optype="categorical" dataType="string"><Value value="A"/><Value value="B"/><Value value="C"/></DataField>
<DataField name="r" optype="continuous" dataType="double"/>`;

const probabilities = (cats: string[]) => `<Output>${cats.map((c) => `<OutputField name="p${c}" feature="probability" value="${c}"/>`).join("")}</Output>`;

function classifier(norm: string, target: string, mining: string, tables: string, cats: string[]): string {
  return pmml(
    fields,
    `<RegressionModel functionName="classification" normalizationMethod="${norm}">
<MiningSchema><MiningField name="x"/><MiningField name="y"/><MiningField name="z"/><MiningField name="${target}" usageType="target"${mining}/></MiningSchema>
${probabilities(cats)}${tables}</RegressionModel>`,
  );
}

const table = (cat: string, intercept: number, cx: number, cy: number) =>
  `<RegressionTable intercept="${intercept}" targetCategory="${cat}"><NumericPredictor name="x" coefficient="${cx}"/><NumericPredictor name="y" coefficient="${cy}"/>` +
  `<CategoricalPredictor name="z" value="b" coefficient="0.3"/><PredictorTerm coefficient="0.01"><FieldRef field="x"/><FieldRef field="y"/></PredictorTerm></RegressionTable>`;

const ORDINAL =
  table("low", -1.25, 0.4, -0.2) + table("mid", 0.5, 0.4, -0.2) + table("high", 2, 0.4, -0.2) + `<RegressionTable intercept="0" targetCategory="top"/>`;
const THREE = table("A", 0.7, 0.3, 0.1) + table("B", -0.2, -0.5, 0.25) + `<RegressionTable intercept="0" targetCategory="C"/>`;
const rows = [...xyRows, { x: 1e-16, y: 1e-16, z: "a" }, { x: 40, y: -40, z: "b" }];

/** x + y + 1: the sum's order shows at 2^-53. */
const sumDoc = pmml(
  fields,
  `<RegressionModel functionName="regression">
<MiningSchema><MiningField name="x"/><MiningField name="y"/><MiningField name="r" usageType="target"/></MiningSchema>
<RegressionTable intercept="1"><NumericPredictor name="x" coefficient="1"/><NumericPredictor name="y" coefficient="1"/></RegressionTable></RegressionModel>`,
);

describeEachBackend("RegressionModel gives the interpreter's answers (JPMML dispatch)", (backend) => {
  for (const method of ["none", "logit", "probit", "cloglog", "loglog", "cauchit"]) {
    it(`ordinal target, ${method}: cumulative link probabilities`, async () => {
      await backend.expectSameAnswers(classifier(method, "g", "", ORDINAL, ["low", "mid", "high", "top"]), rows);
    });
  }

  it("an ordinal MiningField optype on a categorical target", async () => {
    await backend.expectSameAnswers(classifier("logit", "k", ` optype="ordinal"`, THREE, ["A", "B", "C"]), rows);
  });

  for (const method of ["logit", "softmax", "simplemax", "none"]) {
    it(`${method} over three categorical tables`, async () => {
      await backend.expectSameAnswers(classifier(method, "k", "", THREE, ["A", "B", "C"]), rows);
    });
  }

  it("regression: predictors summed from 0, the intercept added last", async () => {
    await backend.expectSameAnswers(sumDoc, [...rows, { x: 2 ** -53, y: 2 ** -53 }]);
  });

  // compile-js sums the tables over blocks of 1024 rows ahead of the row loop and looks for a
  // missing predictor only in rows whose sum is NaN (or that read x^0).
  const blockTables = (cat: string, scale: number, exponentZero: boolean) =>
    `<RegressionTable intercept="${0.5 * scale}" targetCategory="${cat}"><NumericPredictor name="x" coefficient="${scale}"/>` +
    `<NumericPredictor name="y" exponent="2" coefficient="${-0.25 * scale}"/>${exponentZero ? `<NumericPredictor name="r" exponent="0" coefficient="0.125"/>` : ""}` +
    `<CategoricalPredictor name="z" value="a" coefficient="${0.3 * scale}"/><CategoricalPredictor name="z" value="c" coefficient="-0.7"/>` +
    `<PredictorTerm coefficient="${0.01 * scale}"><FieldRef field="x"/><FieldRef field="y"/></PredictorTerm></RegressionTable>`;
  const blockDoc = (exponentZero: boolean) =>
    pmml(
      fields,
      `<RegressionModel functionName="classification" normalizationMethod="softmax">
<MiningSchema><MiningField name="x"/><MiningField name="y"/><MiningField name="z"/><MiningField name="r"/><MiningField name="k" usageType="target"/></MiningSchema>
${probabilities(["A", "B", "C"])}${blockTables("A", 1, exponentZero)}${blockTables("B", -2, exponentZero)}<RegressionTable intercept="0" targetCategory="C"/></RegressionModel>`,
    );
  const blockRows = Array.from({ length: 1100 }, (_, i) => ({
    x: i % 97 === 5 ? null : i === 1030 ? 1e308 : ((i * 37) % 101) / 10 - 5,
    y: i % 101 === 7 ? null : ((i * 53) % 89) / 9 - 4,
    z: [null, "a", "b", "c"][i % 4],
    r: i % 89 === 11 ? null : i / 100,
  }));

  it("more rows than a block: exponent 2, terms, categorical predictors, missing values, ∞ − ∞ with nothing missing", async () => {
    await backend.expectSameAnswers(blockDoc(false), blockRows);
  });

  it("more rows than a block: a missing value raised to the power 0 makes the result missing", async () => {
    await backend.expectSameAnswers(blockDoc(true), blockRows);
  });
});

describe("compile-js RegressionModel specifics", () => {
  it("regression: predictors summed from 0, the intercept added last, bit for bit", () => {
    expect(pmmlModel(parsePmml(sumDoc), "js").score({ x: 2 ** -53, y: 2 ** -53 }).r).toBe(1 + 2 ** -52);
  });

  it("combinations JPMML refuses are not compiled; the interpreter reports them", () => {
    for (const doc of [classifier("probit", "k", "", THREE, ["A", "B", "C"]), classifier("softmax", "g", "", ORDINAL, ["low", "mid", "high", "top"])]) {
      const js = pmmlModel(parsePmml(doc), "js");
      expect(js.backend).not.toBe("js");
    }
  });
});
