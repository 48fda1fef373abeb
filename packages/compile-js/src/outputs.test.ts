import { describe, expect, it } from "vitest";
import { parsePmml } from "@porta/pmml";
import { pmmlModel } from "@porta/runtime";
import { expectSameAnswers, pmml, xyFields, xyRows } from "./families/same-answers.test-helper.ts";

const mining = `<MiningSchema><MiningField name="x"/><MiningField name="y"/><MiningField name="z"/><MiningField name="r" usageType="target"/></MiningSchema>`;
const rows = [...xyRows, { x: -4, y: 0.5, z: "b" }, { x: 8, y: -3, z: "c" }];

function regressionWith(output: string): string {
  return pmml(
    xyFields,
    `<RegressionModel functionName="regression">${mining}<Output>${output}</Output>
<RegressionTable intercept="0.5"><NumericPredictor name="x" coefficient="2"/><NumericPredictor name="y" coefficient="-1"/></RegressionTable></RegressionModel>`,
  );
}

describe("compiled OutputFields give the interpreter's answers (PMML 4.4 §Output)", () => {
  it("transformedValue and decision expressions read earlier OutputFields; non-final ones still fail rows", () => {
    expectSameAnswers(
      regressionWith(`
<OutputField name="pred" feature="predictedValue" dataType="double"/>
<OutputField name="twice" feature="transformedValue" dataType="double"><Apply function="*"><FieldRef field="pred"/><Constant>2</Constant></Apply></OutputField>
<OutputField name="log" feature="transformedValue" isFinalResult="false"><Apply function="ln"><FieldRef field="twice"/></Apply></OutputField>
<OutputField name="high" feature="decision"><Apply function="greaterThan"><FieldRef field="twice"/><FieldRef field="x"/></Apply></OutputField>
<OutputField name="band" feature="transformedValue" dataType="integer"><Apply function="floor"><Apply function="/"><FieldRef field="pred"/><Constant>3</Constant></Apply></Apply></OutputField>
<OutputField name="plain" feature="transformedValue"/>`),
      rows,
    );
  });

  it("an expression that reads a later OutputField, and one whose error is lazy inside if", () => {
    expectSameAnswers(
      regressionWith(`
<OutputField name="pred" feature="predictedValue"/>
<OutputField name="safe" feature="transformedValue"><Apply function="if"><Apply function="greaterThan"><FieldRef field="pred"/><Constant>0</Constant></Apply><Apply function="ln"><FieldRef field="pred"/></Apply><Constant>-1</Constant></Apply></OutputField>`),
      rows,
    );
  });
  it("§OutputField dataType: a value the type cannot hold fails the row (JPMML TypeCheckException), as in the interpreter", () => {
    expectSameAnswers(
      regressionWith(`<OutputField name="i" feature="predictedValue" dataType="integer"/><OutputField name="s" feature="predictedValue" dataType="string"/>`),
      rows,
    );
  });
  it("§OutputField predictedDisplayValue without a display value: the raw prediction, converted to the OutputField's dataType", () => {
    expectSameAnswers(
      regressionWith(`<OutputField name="d" feature="predictedDisplayValue"/><OutputField name="s" feature="predictedDisplayValue" dataType="string"/>`),
      rows,
    );
  });
  it("§OutputField dataType on OutputFields read by later ones, and on non-final ones: the same rows fail", () => {
    expectSameAnswers(
      regressionWith(`<OutputField name="i" feature="predictedValue" dataType="integer" isFinalResult="false"/>
<OutputField name="twice" feature="transformedValue" dataType="double"><Apply function="*"><FieldRef field="i"/><Constant>2</Constant></Apply></OutputField>`),
      rows,
    );
    const interp = regressionWith(
      `<OutputField name="i" feature="predictedValue" dataType="integer" isFinalResult="false"/><OutputField name="p" feature="predictedValue" dataType="double"/>`,
    );
    const model = pmmlModel(parsePmml(interp), "js");
    expect(model.notices.length).toBeGreaterThan(0);
    expect(model.scoreBatch(rows, { onError: "collect" })).toEqual(pmmlModel(parsePmml(interp), "interp").scoreBatch(rows, { onError: "collect" }));
  });
});
