import { it } from "vitest";
import { pmml, xyFields, xyRows } from "./same-answers.test-helper.ts";
import { describeEachBackend } from "../../../../test/each-backend.ts";

function ruleSet(attrs: string): string {
  return pmml(xyFields, `<RuleSetModel functionName="classification">
<MiningSchema><MiningField name="x"/><MiningField name="y"/><MiningField name="t" usageType="target"/></MiningSchema>
<RuleSet ${attrs}><RuleSelectionMethod criterion="firstHit"/>
<SimpleRule score="yes" confidence="0.9"><SimplePredicate field="x" operator="greaterThan" value="1"/></SimpleRule>
</RuleSet></RuleSetModel>`);
}

describeEachBackend("RuleSetModel defaults (JPMML RuleSetModelEvaluator)", (backend) => {
  it("a row no rule fires for is refused without defaultScore or defaultConfidence, scored with both", async () => {
    for (const attrs of ["", `defaultScore="no"`, `defaultConfidence="0.2"`, `defaultScore="no" defaultConfidence="0.2"`]) {
      await backend.expectSameAnswers(ruleSet(attrs), xyRows);
    }
  });
});
