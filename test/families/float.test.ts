import { expect, it } from "vitest";
import { interpret } from "@porta/ir";
import { parsePmml } from "@porta/pmml";
import { compilePipeline } from "../../packages/compile-js/src/compile.ts";
import { CompiledScorer } from "../../packages/compile-js/src/scorer.ts";
import { deserializeCompiled, serializeCompiled } from "../../packages/compile-js/src/serialize.ts";
import { forestRows, forestText } from "../../fixtures/gen/forest.ts";
import { pmml, xyFields, xyRows } from "../../packages/compile-js/src/families/same-answers.test-helper.ts";
import { describeEachBackend, type BackendUnderTest } from "../each-backend.ts";

/**
 * The backend vs the interpreter; for compile-js also each tree layout, row by row (the kernel
 * must round to float) and the artifact round trip, which only compile-js has.
 */
async function expectSameAsInterpreter(backend: BackendUnderTest, text: string, rows: Record<string, unknown>[]): Promise<void> {
  await backend.expectSameAnswers(text, rows);
  if (backend.name !== "js") return;
  const pipeline = parsePmml(text);
  const expected = rows.map((r) => interpret(pipeline, r));
  for (const treeLayout of ["branches", "table", "auto"] as const) {
    const compiled = compilePipeline(pipeline, { treeLayout });
    expect(compiled.source).toMatch(/Math\.fround/);
    expect(new CompiledScorer(compiled).scoreRows(rows).results).toEqual(expected);
    // Artifacts stay serialisable.
    const artifact = serializeCompiled(compiled);
    expect(artifact).toBeDefined();
    const back = deserializeCompiled(JSON.parse(JSON.stringify(artifact)));
    expect(new CompiledScorer(back).scoreRows(rows).results).toEqual(expected);
  }
}

const FLOAT_FIELDS = `<DataField name="x" optype="continuous" dataType="float"/>
<DataField name="y" optype="continuous" dataType="float"/>
<DataField name="z" optype="categorical" dataType="string"><Value value="a"/><Value value="b"/><Value value="c"/></DataField>
<DataField name="t" optype="categorical" dataType="string"><Value value="yes"/><Value value="no"/></DataField>
<DataField name="r" optype="continuous" dataType="double"/>
<DataField name="c" optype="categorical" dataType="integer"><Value value="0"/><Value value="1"/><Value value="2"/></DataField>`;

/** Rows whose sums differ in float and double (0.1-ish fractions), with every missing pattern. */
const rows: Record<string, unknown>[] = [
  // -1e300 is -Infinity in float: Infinity − Infinity, or a softmax whose exps all underflow to
  // 0 (0 / 0), gives the interpreter a NaN *value*, which the kernel's NaN-is-missing encoding
  // reports as missing, in double as in float; these rows stay in range.
  ...xyRows.map((r) => (r.y === -1e300 ? { ...r, y: -1e3 } : r)),
  { x: 0.3, y: 0.7, z: "a" },
  { x: 1.1, y: -2.2, z: "b" },
  { x: 3.3, y: 0.01, z: "c" },
  { x: 0.49, y: 0.51, z: "a" },
  { x: 123.456, y: -0.333, z: "b" },
  { x: 0.5, y: 1.5, z: "c" },
  { x: 2.0000001, y: 1e-7, z: "a" },
];

const LT = (f: string, v: string) => `<SimplePredicate field="${f}" operator="lessThan" value="${v}"/>`;
const GE = (f: string, v: string) => `<SimplePredicate field="${f}" operator="greaterOrEqual" value="${v}"/>`;
const LT_OR_MISSING = (f: string, v: string) =>
  `<CompoundPredicate booleanOperator="or">${LT(f, v)}<SimplePredicate field="${f}" operator="isMissing"/></CompoundPredicate>`;
const GE_OR_MISSING = (f: string, v: string) =>
  `<CompoundPredicate booleanOperator="or">${GE(f, v)}<SimplePredicate field="${f}" operator="isMissing"/></CompoundPredicate>`;

/** A regression tree as jpmml-xgboost writes it: float, returnLastPrediction, missing values sent one way. */
function xgbTree(k: number, target: string): string {
  const s = (v: number) => (v * 0.1 + k * 0.0137).toPrecision(9);
  const [a, b] = k % 2 === 0 ? [LT_OR_MISSING("x", "0.45"), GE("x", "0.45")] : [LT("x", "0.45"), GE_OR_MISSING("x", "0.45")];
  const [c, d] =
    k % 3 === 0 ? [LT_OR_MISSING("y", `${0.5 + k * 0.1}`), GE("y", `${0.5 + k * 0.1}`)] : [LT("y", `${0.5 + k * 0.1}`), GE_OR_MISSING("y", `${0.5 + k * 0.1}`)];
  return `<Segment id="${k + 1}"><True/><TreeModel functionName="regression" mathContext="float" missingValueStrategy="none" noTrueChildStrategy="returnLastPrediction" splitCharacteristic="binarySplit">
  <MiningSchema><MiningField name="x"/><MiningField name="y"/>${target ? `<MiningField name="${target}" usageType="target"/>` : ""}</MiningSchema>
  <Node score="${s(0)}"><True/>
    <Node score="${s(1)}">${a}<Node score="${s(3.3)}">${c}</Node><Node score="${s(-4.7)}">${d}</Node></Node>
    <Node score="${s(-2.1)}">${b}</Node>
  </Node></TreeModel></Segment>`;
}

/** The sum of n trees as jpmml-xgboost writes it, with the base score as Targets and an xgbValue output. */
function boosted(n: number, output: string, offset = 0, targets = `<Targets><Target rescaleConstant="0.5"/></Targets>`): string {
  return `<MiningModel functionName="regression" mathContext="float">
  <MiningSchema><MiningField name="x"/><MiningField name="y"/></MiningSchema>
  ${output ? `<Output><OutputField name="${output}" optype="continuous" dataType="float" isFinalResult="false"/></Output>` : ""}
  ${targets}
  <Segmentation multipleModelMethod="sum">${Array.from({ length: n }, (_x, k) => xgbTree(k + offset, "")).join("\n")}</Segmentation></MiningModel>`;
}

describeEachBackend('mathContext="float" models (JPMML FloatValue) give the interpreter\'s bits', (backend) => {
  it("jpmml-xgboost binary classification: float sum of trees, then a float logit RegressionModel in a modelChain", async () => {
    const doc = pmml(
      FLOAT_FIELDS,
      `<MiningModel functionName="classification" mathContext="float">
  <MiningSchema><MiningField name="x"/><MiningField name="y"/><MiningField name="t" usageType="target"/></MiningSchema>
  <Output><OutputField name="pyes" feature="probability" value="yes" dataType="float"/><OutputField name="pno" feature="probability" value="no" dataType="float"/><OutputField name="pred" feature="predictedValue"/></Output>
  <Segmentation multipleModelMethod="modelChain">
    <Segment id="1"><True/>${boosted(9, "xgbValue")}</Segment>
    <Segment id="2"><True/><RegressionModel functionName="classification" normalizationMethod="logit" mathContext="float">
      <MiningSchema><MiningField name="xgbValue"/><MiningField name="t" usageType="target"/></MiningSchema>
      <RegressionTable intercept="0.0" targetCategory="yes"><NumericPredictor name="xgbValue" coefficient="1.0"/></RegressionTable>
      <RegressionTable intercept="0.0" targetCategory="no"/>
    </RegressionModel></Segment>
  </Segmentation></MiningModel>`,
    );
    await expectSameAsInterpreter(backend, doc, rows);
  });

  it("jpmml-xgboost multiclass: one float sum per class, then a float softmax RegressionModel", async () => {
    const doc = pmml(
      FLOAT_FIELDS,
      `<MiningModel functionName="classification" mathContext="float">
  <MiningSchema><MiningField name="x"/><MiningField name="y"/><MiningField name="c" usageType="target"/></MiningSchema>
  <Output><OutputField name="p0" feature="probability" value="0"/><OutputField name="p2" feature="probability" value="2"/><OutputField name="pred" feature="predictedValue"/></Output>
  <Segmentation multipleModelMethod="modelChain">
    ${[0, 1, 2].map((k) => `<Segment id="m${k}"><True/>${boosted(5, `xgbValue(${k})`, 3 * k, "")}</Segment>`).join("\n")}
    <Segment id="softmax"><True/><RegressionModel functionName="classification" normalizationMethod="softmax" mathContext="float">
      <MiningSchema>${[0, 1, 2].map((k) => `<MiningField name="xgbValue(${k})"/>`).join("")}<MiningField name="c" usageType="target"/></MiningSchema>
      ${[0, 1, 2].map((k) => `<RegressionTable intercept="0.0" targetCategory="${k}"><NumericPredictor name="xgbValue(${k})" coefficient="1.0"/></RegressionTable>`).join("\n")}
    </RegressionModel></Segment>
  </Segmentation></MiningModel>`,
    );
    await expectSameAsInterpreter(backend, doc, rows);
  });

  it("jpmml-xgboost regression: float sum of trees with base score and clamping Targets", async () => {
    for (const targets of [
      `<Targets><Target field="r" rescaleConstant="0.5"/></Targets>`,
      `<Targets><Target field="r" min="-0.3" max="0.7" rescaleFactor="1.1" rescaleConstant="0.1" castInteger="round"/></Targets>`,
      `<Targets><Target field="r" rescaleFactor="0.3"><TargetValue defaultValue="0.1"/></Target></Targets>`,
    ]) {
      const doc = pmml(FLOAT_FIELDS, boosted(12, "", 0, targets).replace("</MiningSchema>", `<MiningField name="r" usageType="target"/></MiningSchema>`));
      await expectSameAsInterpreter(backend, doc, rows);
    }
  });

  for (const method of ["sum", "weightedSum", "average", "weightedAverage"]) {
    it(`float tree ensemble ${method} (double inputs, float leaves and weights)`, async () => {
      const trees = Array.from({ length: 6 }, (_x, k) =>
        xgbTree(k, "r").replace(`<Segment id="${k + 1}">`, `<Segment id="${k + 1}" weight="${(0.3 + k * 0.17).toFixed(2)}">`),
      );
      const doc = pmml(
        xyFields,
        `<MiningModel functionName="regression" mathContext="float">
  <MiningSchema><MiningField name="x"/><MiningField name="y"/><MiningField name="r" usageType="target"/></MiningSchema>
  <Segmentation multipleModelMethod="${method}">${trees.join("\n")}</Segmentation></MiningModel>`,
      );
      await expectSameAsInterpreter(backend, doc, rows);
      // Double trees in a float MiningModel: each segment value is rounded to float before the sum.
      await expectSameAsInterpreter(
        backend,
        doc.replace(/<TreeModel functionName="regression" mathContext="float"/g, `<TreeModel functionName="regression"`),
        rows,
      );
      // Float trees in a double MiningModel: float leaves, double sums.
      await backend.expectSameAnswers(
        doc.replace(`<MiningModel functionName="regression" mathContext="float">`, `<MiningModel functionName="regression">`),
        rows,
      );
    });
  }

  const floatRegression = (intercept: number, cx: number, cy: number) => `<RegressionModel functionName="regression" mathContext="float">
  <MiningSchema><MiningField name="x"/><MiningField name="y"/><MiningField name="z"/><MiningField name="r" usageType="target"/></MiningSchema>
  <RegressionTable intercept="${intercept}"><NumericPredictor name="x" coefficient="${cx}"/><NumericPredictor name="y" coefficient="${cy}" exponent="2"/>
  <CategoricalPredictor name="z" value="b" coefficient="0.3"/><PredictorTerm coefficient="0.7"><FieldRef field="x"/><FieldRef field="y"/></PredictorTerm></RegressionTable></RegressionModel>`;

  for (const method of ["sum", "weightedSum", "average", "weightedAverage", "median", "weightedMedian"]) {
    it(`float MiningModel ${method} of float RegressionModels (segment predicates, missing predictions)`, async () => {
      const segs = [floatRegression(0.1, 0.3, -0.7), floatRegression(-0.3, 0.11, 1.3), floatRegression(0.7, 0.1, 0.1)];
      const doc = pmml(
        xyFields,
        `<MiningModel functionName="regression" mathContext="float">
  <MiningSchema><MiningField name="x"/><MiningField name="y"/><MiningField name="z"/><MiningField name="r" usageType="target"/></MiningSchema>
  <Segmentation multipleModelMethod="${method}">${segs.map((s, k) => `<Segment id="s${k}" weight="${0.3 + k}">${k === 1 ? `<SimplePredicate field="z" operator="notEqual" value="c"/>` : "<True/>"}${s}</Segment>`).join("\n")}</Segmentation></MiningModel>`,
      );
      await backend.expectSameAnswers(doc, rows);
      await backend.expectSameAnswers(
        doc.replace(`multipleModelMethod="${method}"`, `multipleModelMethod="${method}" missingPredictionTreatment="skipSegment"`),
        rows,
      );
    });
  }

  for (const method of ["none", "logit", "exp", "probit", "cloglog", "loglog", "cauchit", "softmax"]) {
    it(`float regression RegressionModel normalizationMethod=${method}, predictor terms, exponents, categorical predictors`, async () => {
      const doc = pmml(xyFields, floatRegression(0.1, 0.3, -0.7).replace(`mathContext="float"`, `mathContext="float" normalizationMethod="${method}"`));
      await backend.expectSameAnswers(doc, rows);
    });
  }

  const classTables = (n: number) =>
    ["a", "b", "c"]
      .slice(0, n)
      .map(
        (c, k) =>
          `<RegressionTable intercept="${0.1 * (k + 1)}" targetCategory="${c}"><NumericPredictor name="x" coefficient="${0.3 - k * 0.2}"/><NumericPredictor name="y" coefficient="${k * 0.11 + 0.01}"/></RegressionTable>`,
      )
      .join("");
  const classification = (method: string, n: number, optype = "") =>
    pmml(
      xyFields.replace(`name="z" optype="categorical"`, `name="z" optype="${optype || "categorical"}"`),
      `<RegressionModel functionName="classification" normalizationMethod="${method}" mathContext="float">
  <MiningSchema><MiningField name="x"/><MiningField name="y"/><MiningField name="z" usageType="target"/></MiningSchema>
  <Output><OutputField name="pa" feature="probability" value="a"/><OutputField name="pb" feature="probability" value="b"/><OutputField name="pred" feature="predictedValue"/></Output>
  ${classTables(n)}</RegressionModel>`,
    );
  for (const method of ["softmax", "logit", "simplemax", "none"]) {
    it(`float multinomial classification normalizationMethod=${method}`, async () => {
      await backend.expectSameAnswers(classification(method, 3), rows);
    });
  }
  for (const method of ["logit", "probit", "cloglog", "loglog", "cauchit", "none"]) {
    it(`float binomial (and ordinal) classification normalizationMethod=${method}`, async () => {
      await backend.expectSameAnswers(classification(method, 2), rows);
      await backend.expectSameAnswers(classification(method, 3, "ordinal"), rows);
    });
  }

  it("the synthetic forest as jpmml-xgboost would write it (float leaves and sum, base score Targets), both layouts", async () => {
    for (const seed of [1, 2]) {
      for (const inputType of ["double", "float"]) {
        const doc = forestText({ trees: 9, depth: 5, features: 6, task: "regression", seed, boosting: { baseScore: 0.5 } })
          .replace(`<MiningModel functionName="regression">`, `<MiningModel functionName="regression" mathContext="float">`)
          .replace(/<TreeModel functionName="regression"/g, `<TreeModel functionName="regression" mathContext="float"`)
          .replace(/(name="x\d+" optype="continuous") dataType="double"/g, `$1 dataType="${inputType}"`);
        const data = forestRows(6, 200, seed).map((r, i) => (i % 5 === 0 ? { ...r, x1: null, x3: null } : r));
        await expectSameAsInterpreter(backend, doc, data);
      }
    }
  });
});
