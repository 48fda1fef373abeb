import { it } from "vitest";
import { pmml, xyFields, xyRows } from "../../packages/compile-js/src/families/same-answers.test-helper.ts";
import { describeEachBackend } from "../each-backend.ts";

const mining = `<MiningSchema><MiningField name="x"/><MiningField name="y"/><MiningField name="z"/><MiningField name="t" usageType="target"/></MiningSchema>`;
const output = `<Output><OutputField name="p_yes" feature="probability" value="yes"/><OutputField name="c_yes" feature="confidence" value="yes"/><OutputField name="node" feature="entityId"/></Output>`;

describeEachBackend("TreeModel gives the interpreter's answers (§TreeModel, JPMML's trail)", (backend) => {
  it("returnLastPrediction at an inner node without a score is a null prediction", async () => {
    await backend.expectSameAnswers(
      pmml(
        xyFields,
        `<TreeModel functionName="classification" noTrueChildStrategy="returnLastPrediction">${mining}${output}
<Node id="r" score="no"><True/><ScoreDistribution value="yes" recordCount="1"/><ScoreDistribution value="no" recordCount="3"/>
  <Node id="a"><SimplePredicate field="x" operator="lessThan" value="2"/><ScoreDistribution value="yes" recordCount="2"/><ScoreDistribution value="no" recordCount="2"/>
    <Node id="a1" score="yes"><SimplePredicate field="y" operator="greaterThan" value="1"/><ScoreDistribution value="yes" recordCount="2" probability="0.3"/><ScoreDistribution value="no" recordCount="0" probability="0.3"/></Node>
  </Node>
</Node></TreeModel>`,
      ),
      xyRows,
    );
  });

  it("surrogate predicates with the default missingValuePenalty, stated confidences", async () => {
    await backend.expectSameAnswers(
      pmml(
        xyFields,
        `<TreeModel functionName="classification" missingValueStrategy="defaultChild">${mining}${output}
<Node id="r" score="no" defaultChild="b"><True/>
  <Node id="a" score="yes"><CompoundPredicate booleanOperator="surrogate"><SimplePredicate field="x" operator="lessThan" value="2"/><SimplePredicate field="y" operator="lessThan" value="2"/></CompoundPredicate>
    <ScoreDistribution value="yes" recordCount="3" confidence="0.7"/><ScoreDistribution value="no" recordCount="1" confidence="0.3"/></Node>
  <Node id="b" score="no"><CompoundPredicate booleanOperator="surrogate"><SimplePredicate field="x" operator="greaterOrEqual" value="2"/><SimplePredicate field="y" operator="greaterOrEqual" value="2"/></CompoundPredicate>
    <ScoreDistribution value="yes" recordCount="1" confidence="0.4"/><ScoreDistribution value="no" recordCount="3" confidence="0.6"/></Node>
</Node></TreeModel>`,
      ),
      xyRows,
    );
  });
});
