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
  it("a text-valued transformedValue (a label by Discretize or if of the prediction) is compiled as a category column", () => {
    expectSameAnswers(
      regressionWith(`
<OutputField name="pred" feature="predictedValue" isFinalResult="false"/>
<OutputField name="label" feature="transformedValue" dataType="string"><Discretize field="pred" defaultValue="low" mapMissingTo="none"><DiscretizeBin binValue="high"><Interval closure="closedOpen" leftMargin="1"/></DiscretizeBin></Discretize></OutputField>
<OutputField name="sign" feature="transformedValue" dataType="string"><Apply function="if"><Apply function="lessThan"><FieldRef field="pred"/><Constant>0</Constant></Apply><Constant>neg</Constant><Constant>pos</Constant></Apply></OutputField>`),
      rows,
    );
  });

  it("an expression reading the winner's affinity (a clustering's distance from its squaredEuclidean affinity)", () => {
    expectSameAnswers(
      pmml(
        xyFields,
        `<ClusteringModel functionName="clustering" modelClass="centerBased" numberOfClusters="2">
<MiningSchema><MiningField name="x"/><MiningField name="y"/></MiningSchema>
<Output><OutputField name="id" feature="entityId" dataType="string"/><OutputField name="aff" feature="affinity" dataType="double" isFinalResult="false"/>
<OutputField name="distance" feature="transformedValue" dataType="double"><Apply function="sqrt"><FieldRef field="aff"/></Apply></OutputField></Output>
<ComparisonMeasure kind="distance"><squaredEuclidean/></ComparisonMeasure>
<ClusteringField field="x"/><ClusteringField field="y"/>
<Cluster id="near"><Array n="2" type="real">0 0</Array></Cluster><Cluster id="far"><Array n="2" type="real">3 -2</Array></Cluster>
</ClusteringModel>`,
      ),
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
