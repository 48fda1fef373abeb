import { describe, expect, it } from "vitest";
import { converted, pmml } from "../score.test-helper.ts";

describe("RuleSetModel → PFA (PMML 4.4 §RuleSetModel, firstHit)", () => {
  it("the first fired SimpleRule depth first, a CompoundRule opening its rules only when TRUE; else the defaultScore", () => {
    const m = converted(
      pmml(
        `<DataField name="x" optype="continuous" dataType="double"/><DataField name="y" optype="categorical" dataType="string"><Value value="lo"/><Value value="mid"/><Value value="hi"/></DataField>`,
        `<RuleSetModel functionName="classification">
          <MiningSchema><MiningField name="x"/><MiningField name="y" usageType="target"/></MiningSchema>
          <RuleSet defaultScore="mid" defaultConfidence="0.5"><RuleSelectionMethod criterion="firstHit"/>
            <CompoundRule><SimplePredicate field="x" operator="lessThan" value="0"/>
              <SimpleRule id="r1" score="lo"><SimplePredicate field="x" operator="lessThan" value="-5"/></SimpleRule>
            </CompoundRule>
            <SimpleRule id="r2" score="hi"><SimplePredicate field="x" operator="greaterThan" value="-10"/></SimpleRule>
            <SimpleRule id="r3" score="lo"><True/></SimpleRule>
          </RuleSet>
        </RuleSetModel>`,
      ),
    );
    expect(m.score({ x: -7 })).toEqual({ y: "lo" });
    // In the compound rule, r1 does not fire: r2 is next.
    expect(m.score({ x: -1 })).toEqual({ y: "hi" });
    // r2 is FALSE, r3 fires.
    expect(m.score({ x: -20 })).toEqual({ y: "lo" });
    // Missing x: r1 and r2 are UNKNOWN (not fired), r3 fires.
    expect(m.score({ x: null })).toEqual({ y: "lo" });
    for (const x of [-7, -1, -20, 3, null]) expect(m.score({ x })).toEqual(m.reference({ x }));
  });
});
