import { describe, expect, it } from "vitest";
import { parsePmml } from "@porta/pmml";
import { compilePipeline } from "../compile.ts";
import { expectSameAnswers, pmml, xyFields, xyRows } from "./same-answers.test-helper.ts";

/** A tree whose every split is [SimplePredicate, True]: PFA's pass/fail trees lowered into the IR have this shape. */
function passFailTree(strategy: string, operator: string): string {
  return pmml(
    xyFields,
    `<TreeModel functionName="regression" missingValueStrategy="${strategy}">
<MiningSchema><MiningField name="x"/><MiningField name="y"/><MiningField name="r" usageType="target"/></MiningSchema>
<Node><True/>
  <Node><SimplePredicate field="x" operator="${operator}" value="0"/>
    <Node score="1"><SimplePredicate field="y" operator="${operator}" value="1"/></Node>
    <Node score="2"><True/></Node>
  </Node>
  <Node score="3"><True/></Node>
</Node></TreeModel>`,
  );
}

describe("TreeModel branches (PMML 4.4 §TreeModel, missingValueStrategy none: UNKNOWN counts as FALSE)", () => {
  for (const operator of ["lessThan", "lessOrEqual", "greaterThan", "greaterOrEqual", "equal", "notEqual"]) {
    it(`a [${operator}, True] split is one branch on the comparison; a missing value takes the True child, as the interpreter`, () => {
      expectSameAnswers(passFailTree("none", operator), [...xyRows, { x: 0, y: 1 }, { x: null, y: 1 }, { x: 0, y: null }]);
    });
  }

  it("the split compiles to the comparison itself, without a slot to dispatch on (notEqual keeps the three-valued test)", () => {
    const lt = compilePipeline(parsePmml(passFailTree("none", "lessThan"))).source;
    expect(lt).toMatch(/if \(col\d+\[i\] < 0\) \{/);
    const ne = compilePipeline(parsePmml(passFailTree("none", "notEqual"))).source;
    expect(ne).toMatch(/!== 0 \? 1 : 0\) === 1\) \{/);
  });

  it("other strategies keep their UNKNOWN handling (lastPrediction, nullPrediction)", () => {
    for (const strategy of ["lastPrediction", "nullPrediction"]) expectSameAnswers(passFailTree(strategy, "lessThan"), [...xyRows, { x: null, y: 1 }]);
  });
});
