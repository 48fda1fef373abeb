import { describe, expect, it } from "vitest";
import { converted, pmml } from "../score.test-helper.ts";

const FIELDS = `<DataField name="x" optype="continuous" dataType="double"/><DataField name="y" optype="categorical" dataType="string"><Value value="a"/><Value value="b"/></DataField>`;

/** A root scoring "a" (7 a, 3 b) split on x into "a" (x < 1) and "b" (x ≥ 1, the defaultChild). */
function tree(
  strategy: string,
  noTrueChild = "returnNullPrediction",
  secondPredicate = `<SimplePredicate field="x" operator="greaterOrEqual" value="1"/>`,
): string {
  return pmml(
    FIELDS,
    `<TreeModel functionName="classification" missingValueStrategy="${strategy}" noTrueChildStrategy="${noTrueChild}">
      <MiningSchema><MiningField name="x"/><MiningField name="y" usageType="target"/></MiningSchema>
      <Output><OutputField name="p_a" feature="probability" value="a"/><OutputField name="node" feature="entityId"/></Output>
      <Node id="root" score="a" defaultChild="right"><True/>
        <ScoreDistribution value="a" recordCount="7"/><ScoreDistribution value="b" recordCount="3"/>
        <Node id="left" score="a"><SimplePredicate field="x" operator="lessThan" value="1"/><ScoreDistribution value="a" recordCount="6"/><ScoreDistribution value="b" recordCount="0"/></Node>
        <Node id="right" score="b">${secondPredicate}<ScoreDistribution value="a" recordCount="1"/><ScoreDistribution value="b" recordCount="3"/></Node>
      </Node>
    </TreeModel>`,
  );
}

describe("TreeModel → PFA (PMML 4.4 §TreeModel)", () => {
  it("follows the first TRUE child and reads the leaf's score, probabilities and id", () => {
    const m = converted(tree("none"));
    expect(m.score({ x: 0.5 })).toEqual({ y: "a", p_a: 1, node: "left" });
    expect(m.score({ x: 2 })).toEqual({ y: "b", p_a: 0.25, node: "right" });
  });

  it("treats an UNKNOWN predicate per missingValueStrategy", () => {
    // none: UNKNOWN children count as FALSE; no TRUE child and returnNullPrediction: missing.
    expect(converted(tree("none")).score({ x: null })).toEqual({ y: null, p_a: null, node: null });
    // lastPrediction: the node reached so far (the root) predicts.
    expect(converted(tree("lastPrediction")).score({ x: null })).toEqual({ y: "a", p_a: 0.7, node: "root" });
    // nullPrediction: missing at once.
    expect(converted(tree("nullPrediction")).score({ x: null })).toEqual({ y: null, p_a: null, node: null });
    // defaultChild: the default child, its predicate not evaluated.
    expect(converted(tree("defaultChild")).score({ x: null })).toEqual({ y: "b", p_a: 0.25, node: "right" });
  });

  it("returns the parent's score when no child is TRUE under returnLastPrediction", () => {
    const never = `<SimplePredicate field="x" operator="greaterThan" value="5"/>`;
    expect(converted(tree("none", "returnLastPrediction", never)).score({ x: 3 })).toEqual({ y: "a", p_a: 0.7, node: "root" });
    expect(converted(tree("none", "returnNullPrediction", never)).score({ x: 3 })).toEqual({ y: null, p_a: null, node: null });
  });

  it("agrees with the interpreter on every strategy and input", () => {
    for (const s of ["none", "lastPrediction", "nullPrediction", "defaultChild"]) {
      const m = converted(tree(s));
      for (const x of [null, -1, 0.999, 1, 7]) expect(m.score({ x }), `${s} x=${x}`).toEqual(m.reference({ x }));
    }
  });
});
