import { it } from "vitest";
import { pmml, xyFields, xyRows } from "../../packages/compile-js/src/families/same-answers.test-helper.ts";
import { describeEachBackend } from "../each-backend.ts";

function ruleSet(attrs: string): string {
  return pmml(
    xyFields,
    `<RuleSetModel functionName="classification">
<MiningSchema><MiningField name="x"/><MiningField name="y"/><MiningField name="t" usageType="target"/></MiningSchema>
<RuleSet ${attrs}><RuleSelectionMethod criterion="firstHit"/>
<SimpleRule score="yes" confidence="0.9"><SimplePredicate field="x" operator="greaterThan" value="1"/></SimpleRule>
</RuleSet></RuleSetModel>`,
  );
}

describeEachBackend("RuleSetModel defaults (JPMML RuleSetModelEvaluator)", (backend) => {
  it("a row no rule fires for is refused without defaultScore or defaultConfidence, scored with both", async () => {
    for (const attrs of ["", `defaultScore="no"`, `defaultConfidence="0.2"`, `defaultScore="no" defaultConfidence="0.2"`]) {
      await backend.expectSameAnswers(ruleSet(attrs), xyRows);
    }
  });
});

function weightedRuleSet(criterion: string): string {
  return pmml(
    xyFields,
    `<RuleSetModel functionName="classification">
<MiningSchema><MiningField name="x"/><MiningField name="y"/><MiningField name="z"/><MiningField name="t" usageType="target"/></MiningSchema>
<Output><OutputField name="rule" feature="entityId"/></Output>
<RuleSet defaultScore="no" defaultConfidence="0.3"><RuleSelectionMethod criterion="${criterion}"/>
<SimpleRule id="r1" score="yes" weight="0.5" confidence="0.6"><SimplePredicate field="x" operator="greaterThan" value="0"/></SimpleRule>
<CompoundRule><SimplePredicate field="z" operator="equal" value="a"/>
  <SimpleRule id="r2" score="no" weight="0.8" confidence="0.7"><SimplePredicate field="y" operator="lessThan" value="5"/></SimpleRule>
  <SimpleRule id="r3" score="yes" weight="0.9" confidence="0.55"><True/></SimpleRule>
</CompoundRule>
<SimpleRule id="r4" score="no" weight="0.2" confidence="0.9"><SimplePredicate field="y" operator="greaterOrEqual" value="2"/></SimpleRule>
<SimpleRule id="r5" score="yes" weight="0.5" confidence="0.6"><SimplePredicate field="x" operator="lessThan" value="1"/></SimpleRule>
</RuleSet></RuleSetModel>`,
  );
}

describeEachBackend("RuleSetModel weighted criteria (§RuleSelectionMethod) give the interpreter's answers", (backend) => {
  for (const criterion of ["weightedSum", "weightedMax"]) {
    it(`${criterion}: fired rules grouped by score in firing order, the first best score with its heaviest rule`, async () => {
      await backend.expectSameAnswers(weightedRuleSet(criterion), [...xyRows, { x: 1, y: 0, z: "b" }, { x: 0.5, y: 3, z: "a" }]);
    });
  }
});
