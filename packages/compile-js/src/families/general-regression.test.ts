import { describe, expect, it } from "vitest";
import { parsePmml } from "@porta/pmml";
import { compilePipeline } from "../compile.ts";
import { CompiledScorer } from "../scorer.ts";
import { expectSameAnswers, pmml } from "./same-answers.test-helper.ts";

const fields = `<DataField name="x" optype="continuous" dataType="double"/>
<DataField name="z" optype="categorical" dataType="string"><Value value="a"/><Value value="b"/><Value value="c"/></DataField>
<DataField name="g" optype="categorical" dataType="string"/>
<DataField name="r" optype="continuous" dataType="double"/>`;

/**
 * A GLM whose covariates are string fields holding numbers (§GeneralRegressionModel: a
 * covariate's value is used as a number): `zg`, a MapValues of z to numeric text as R pmml's
 * xform writes, and the input field `g`; `p3` is a factor-by-covariate interaction.
 */
function glm(link: string): string {
  return pmml(
    fields,
    `<GeneralRegressionModel modelType="generalizedLinear" functionName="regression" linkFunction="${link}">
  <MiningSchema><MiningField name="x"/><MiningField name="z"/><MiningField name="g"/><MiningField name="r" usageType="target"/></MiningSchema>
  <LocalTransformations><DerivedField name="zg" dataType="string" optype="categorical">
    <MapValues outputColumn="out" mapMissingTo="0.5" defaultValue="1"><FieldColumnPair field="z" column="in"/>
      <InlineTable><row><in>a</in><out>2</out></row><row><in>b</in><out>0</out></row></InlineTable></MapValues>
  </DerivedField></LocalTransformations>
  <ParameterList><Parameter name="p0"/><Parameter name="p1"/><Parameter name="p2"/><Parameter name="p3"/><Parameter name="p4"/></ParameterList>
  <FactorList><Predictor name="z"/></FactorList>
  <CovariateList><Predictor name="zg"/><Predictor name="g"/><Predictor name="x"/></CovariateList>
  <PPMatrix>
    <PPCell value="1" predictorName="zg" parameterName="p1"/>
    <PPCell value="1" predictorName="g" parameterName="p2"/>
    <PPCell value="c" predictorName="z" parameterName="p3"/><PPCell value="2" predictorName="g" parameterName="p3"/>
    <PPCell value="1" predictorName="x" parameterName="p4"/>
  </PPMatrix>
  <ParamMatrix><PCell parameterName="p0" beta="0.1"/><PCell parameterName="p1" beta="0.3"/><PCell parameterName="p2" beta="-0.02"/><PCell parameterName="p3" beta="0.05"/><PCell parameterName="p4" beta="0.25"/></ParamMatrix>
</GeneralRegressionModel>`,
  );
}

const rows: Record<string, unknown>[] = [
  { x: 1, z: "a", g: "1" },
  { x: 0.5, z: "b", g: "2.5" },
  { x: -2, z: "c", g: "-3" },
  { x: 3, z: "c", g: "1e2" },
  { x: 1, z: null, g: "4" },
  { x: 1, z: "a", g: null },
  { x: null, z: "b", g: "0" },
  { x: 2, z: "c", g: " 7 " },
  { x: 0, z: "zz", g: "1" },
  { x: 0.25, z: "c", g: "0.125" },
];

describe("compiled GeneralRegressionModel covariates on string fields give the interpreter's answers (§GeneralRegressionModel)", () => {
  for (const link of ["identity", "log"]) {
    it(`a MapValues to numeric text and a string input as covariates, linkFunction=${link}`, () => {
      expectSameAnswers(glm(link), rows);
    });
  }
  it("reads the number of each text, not its code", () => {
    const compiled = compilePipeline(parsePmml(glm("identity")));
    const { results } = new CompiledScorer(compiled).scoreRows([
      { x: 0, z: "b", g: "10" },
      { x: 0, z: "a", g: "10" },
    ]);
    // 0.1 + 0.3·zg − 0.02·g: zg is 0 for b and 2 for a.
    expect(results.map((r) => r?.r)).toEqual([0.1 + 0.3 * 0 + -0.02 * 10, 0.1 + 0.3 * 2 + -0.02 * 10]);
  });
});
