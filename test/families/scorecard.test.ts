import { it } from "vitest";
import { pmml, xyFields, xyRows } from "../../packages/compile-js/src/families/same-answers.test-helper.ts";
import { describeEachBackend } from "../each-backend.ts";

const mining = `<MiningSchema><MiningField name="x"/><MiningField name="y"/><MiningField name="z"/><MiningField name="r" usageType="target"/></MiningSchema>`;
const output = `<Output><OutputField name="score" feature="predictedValue"/>
<OutputField name="rc1" feature="reasonCode" rank="1"/><OutputField name="rc2" feature="reasonCode" rank="2"/><OutputField name="rc3" feature="reasonCode" rank="3"/></Output>`;

function scorecard(algorithm: string, complete: boolean): string {
  return pmml(
    xyFields,
    `<Scorecard functionName="regression" initialScore="10" useReasonCodes="true" reasonCodeAlgorithm="${algorithm}" baselineScore="2">${mining}${output}
<Characteristics>
  <Characteristic name="cx" reasonCode="RX" baselineScore="1">
    <Attribute partialScore="-2"><SimplePredicate field="x" operator="lessThan" value="0"/></Attribute>
    <Attribute partialScore="1"><SimplePredicate field="x" operator="lessOrEqual" value="2"/></Attribute>
    <Attribute reasonCode="RXbig"><SimplePredicate field="x" operator="greaterThan" value="2"/>
      <ComplexPartialScore><Apply function="*"><FieldRef field="y"/><Constant>0.5</Constant></Apply></ComplexPartialScore></Attribute>
    ${complete ? `<Attribute partialScore="0"><True/></Attribute>` : ""}
  </Characteristic>
  <Characteristic name="cz" reasonCode="RZ">
    <Attribute partialScore="3"><SimplePredicate field="z" operator="equal" value="a"/></Attribute>
    <Attribute partialScore="1" reasonCode="RX"><SimpleSetPredicate field="z" booleanOperator="isIn"><Array type="string">b c</Array></SimpleSetPredicate></Attribute>
    <Attribute partialScore="2"><True/></Attribute>
  </Characteristic>
  <Characteristic name="cy" reasonCode="RY" baselineScore="0">
    <Attribute partialScore="2"><SimplePredicate field="y" operator="greaterThan" value="1"/></Attribute>
    <Attribute partialScore="-1"><True/></Attribute>
  </Characteristic>
</Characteristics></Scorecard>`,
  );
}

describeEachBackend("Scorecard gives the interpreter's answers (§Scorecard, reason codes)", (backend) => {
  for (const algorithm of ["pointsBelow", "pointsAbove"]) {
    it(`${algorithm}: ranks, ties by first appearance, negative totals dropped, complex partial scores`, async () => {
      await backend.expectSameAnswers(scorecard(algorithm, true), xyRows);
    });
  }
  it("no TRUE Attribute is an error for that row; a missing complex partial score a missing score", async () => {
    await backend.expectSameAnswers(scorecard("pointsBelow", false), [...xyRows, { x: 3, y: null, z: "a" }]);
  });
});

describeEachBackend("Scorecard faults fail only the rows that choose the Attribute (§Scorecard)", (backend) => {
  it("an Attribute without reason code (the parser refuses one without partial score): after its ComplexPartialScore, a missing one first", async () => {
    const text = pmml(
      xyFields,
      `<Scorecard functionName="regression" initialScore="1" useReasonCodes="true" baselineScore="0">${mining}${output}
<Characteristics>
  <Characteristic name="cx" reasonCode="RX">
    <Attribute partialScore="2"><True/></Attribute>
  </Characteristic>
  <Characteristic name="cy">
    <Attribute partialScore="1" reasonCode="RY"><SimplePredicate field="y" operator="lessThan" value="0"/></Attribute>
    <Attribute><SimplePredicate field="y" operator="lessThan" value="3"/>
      <ComplexPartialScore><Apply function="*"><FieldRef field="x"/><Constant>2</Constant></Apply></ComplexPartialScore></Attribute>
    <Attribute partialScore="0" reasonCode="RY"><True/></Attribute>
  </Characteristic>
</Characteristics></Scorecard>`,
    );
    await backend.expectSameAnswers(text, [...xyRows, { x: null, y: 1, z: "a" }, { x: 1, y: -1, z: "a" }]);
  });
});
