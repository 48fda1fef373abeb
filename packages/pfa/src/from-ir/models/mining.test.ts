import { describe, expect, it } from "vitest";
import { converted, pmml } from "../score.test-helper.ts";

const stump = (score1: string, score2: string, fn: string) =>
  `<TreeModel functionName="${fn}"><MiningSchema><MiningField name="x"/></MiningSchema>
    <Node score="${score1}"><True/><Node score="${score1}"><SimplePredicate field="x" operator="lessThan" value="0"/></Node><Node score="${score2}"><True/></Node></Node>
  </TreeModel>`;

describe("MiningModel → PFA (PMML 4.4 §MultipleModels)", () => {
  it("sums and averages regression segments in segment order", () => {
    for (const method of ["sum", "average", "weightedAverage"]) {
      const m = converted(
        pmml(
          `<DataField name="x" optype="continuous" dataType="double"/><DataField name="y" optype="continuous" dataType="double"/>`,
          `<MiningModel functionName="regression"><MiningSchema><MiningField name="x"/><MiningField name="y" usageType="target"/></MiningSchema>
            <Segmentation multipleModelMethod="${method}">
              <Segment weight="2"><True/>${stump("0.1", "0.7", "regression")}</Segment>
              <Segment weight="0.5"><True/>${stump("1.3", "-0.2", "regression")}</Segment>
            </Segmentation></MiningModel>`,
        ),
      );
      expect(m.score({ x: -1 }).y, method).toBe(method === "sum" ? 0.1 + 1.3 : method === "average" ? (0.1 + 1.3) / 2 : (2 * 0.1 + 0.5 * 1.3) / 2.5);
      for (const x of [-1, 1, null]) expect(m.score({ x }), `${method} x=${x}`).toEqual(m.reference({ x }));
    }
  });

  it("majority vote: most votes win, the category seen first among equals; probabilities are vote shares", () => {
    const m = converted(
      pmml(
        `<DataField name="x" optype="continuous" dataType="double"/><DataField name="y" optype="categorical" dataType="string"><Value value="a"/><Value value="b"/></DataField>`,
        `<MiningModel functionName="classification"><MiningSchema><MiningField name="x"/><MiningField name="y" usageType="target"/></MiningSchema>
          <Output><OutputField name="p_a" feature="probability" value="a"/></Output>
          <Segmentation multipleModelMethod="majorityVote">
            <Segment><True/>${stump("b", "a", "classification")}</Segment>
            <Segment><True/>${stump("a", "b", "classification")}</Segment>
          </Segmentation></MiningModel>`,
      ),
    );
    // One vote each: "b" was seen first (segment 1) and wins the tie.
    expect(m.score({ x: -1 })).toEqual({ y: "b", p_a: 0.5 });
    expect(m.score({ x: 1 })).toEqual({ y: "a", p_a: 0.5 });
    for (const x of [-1, 1]) expect(m.score({ x })).toEqual(m.reference({ x }));
  });

  it("OutputField/@segmentId answers that segment's feature, its field by @value or an expression in its scope (PMML 4.4 §Output)", () => {
    const m = converted(
      pmml(
        `<DataField name="x" optype="continuous" dataType="double"/><DataField name="y" optype="continuous" dataType="double"/>`,
        `<MiningModel functionName="regression"><MiningSchema><MiningField name="x"/><MiningField name="y" usageType="target"/></MiningSchema>
          <Output>
            <OutputField name="first" feature="predictedValue" segmentId="s1"/>
            <OutputField name="second" feature="transformedValue" segmentId="2" value="t2"/>
            <OutputField name="doubled" feature="transformedValue" segmentId="2"><Apply function="*"><FieldRef field="t2"/><Constant>2</Constant></Apply></OutputField>
            <OutputField name="absent" feature="predictedValue" segmentId="9"/>
          </Output>
          <Segmentation multipleModelMethod="modelChain">
            <Segment id="s1"><True/>${stump("0.1", "0.7", "regression").replace("</MiningSchema>", '</MiningSchema><Output><OutputField name="t1" feature="predictedValue"/></Output>')}</Segment>
            <Segment><True/><RegressionModel functionName="regression"><MiningSchema><MiningField name="t1"/></MiningSchema>
              <Output><OutputField name="t2" feature="predictedValue"/></Output>
              <RegressionTable intercept="1"><NumericPredictor name="t1" coefficient="10"/></RegressionTable></RegressionModel></Segment>
          </Segmentation></MiningModel>`,
      ),
    );
    // The last segment's OutputFields pass through modelChain (t2).
    expect(m.score({ x: -1 })).toEqual({ y: 2, t2: 2, first: 0.1, second: 2, doubled: 4, absent: null });
    for (const x of [-1, 1, null]) expect(m.score({ x }), `x=${x}`).toEqual(m.reference({ x }));
  });
});
