import { describe, expect, it } from "vitest";
import { EvaluationError } from "@porta/ir";
import { pmmlDocument, scorer } from "../testing.ts";

const FIELDS = `
  <DataField name="x" optype="continuous" dataType="double"/>
  <DataField name="c" optype="categorical" dataType="string"><Value value="a"/><Value value="b"/><Value value="z"/></DataField>
  <DataField name="y" optype="categorical" dataType="string"><Value value="yes"/><Value value="no"/></DataField>`;

function tree(attrs: string, nodes: string, output = ""): string {
  return pmmlDocument(
    FIELDS,
    `
  <TreeModel functionName="classification" ${attrs}>
    <MiningSchema><MiningField name="x"/><MiningField name="c"/><MiningField name="y" usageType="target"/></MiningSchema>
    ${output}
    ${nodes}
  </TreeModel>`,
  );
}

const SD = (yes: number, no: number) => `<ScoreDistribution value="yes" recordCount="${yes}"/><ScoreDistribution value="no" recordCount="${no}"/>`;

// root(yes 6/4) → n1 [x<5] (yes 5/1) → n11 [c=a] (yes 4/0), n12 [c!=a] (no 1/1)
//              → n2 [x>=5] (no 1/3)
const NODES = `
  <Node id="r" score="yes" recordCount="10"><True/>${SD(6, 4)}
    <Node id="n1" score="yes" recordCount="6"><SimplePredicate field="x" operator="lessThan" value="5"/>${SD(5, 1)}
      <Node id="n11" score="yes" recordCount="4"><SimplePredicate field="c" operator="equal" value="a"/>${SD(4, 0)}</Node>
      <Node id="n12" score="no" recordCount="2"><SimplePredicate field="c" operator="notEqual" value="a"/>${SD(1, 1)}</Node>
    </Node>
    <Node id="n2" score="no" recordCount="4"><SimplePredicate field="x" operator="greaterOrEqual" value="5"/>${SD(1, 3)}</Node>
  </Node>`;

const OUT = `<Output>
  <OutputField name="p_yes" feature="probability" value="yes" dataType="double"/>
  <OutputField name="node" feature="entityId" dataType="string"/>
</Output>`;

describe("TreeModel (PMML 4.4 §TreeModel)", () => {
  it("follows the first child whose predicate is true and scores the leaf", () => {
    const score = scorer(tree("", NODES, OUT));
    expect(score({ x: "3", c: "a" })).toEqual({ y: "yes", p_yes: 1, node: "n11" });
    expect(score({ x: 7, c: "b" })).toEqual({ y: "no", p_yes: 0.25, node: "n2" });
  });

  it("probabilities are recordCount / sum of the node's ScoreDistribution counts", () => {
    const score = scorer(tree("", NODES, OUT));
    expect(score({ x: 1, c: "b" }).p_yes).toBe(0.5);
  });

  it("missingValueStrategy=lastPrediction stops at the node whose child predicate is UNKNOWN", () => {
    const score = scorer(tree('missingValueStrategy="lastPrediction"', NODES, OUT));
    expect(score({ x: null, c: "a" })).toEqual({ y: "yes", p_yes: 0.6, node: "r" });
    expect(score({ x: 2, c: null })).toEqual({ y: "yes", p_yes: 5 / 6, node: "n1" });
  });

  it("missingValueStrategy=nullPrediction gives a missing prediction", () => {
    const score = scorer(tree('missingValueStrategy="nullPrediction"', NODES, OUT));
    expect(score({ x: null, c: "a" })).toEqual({ y: null, p_yes: null, node: null });
  });

  it("missingValueStrategy=none treats UNKNOWN as FALSE, then noTrueChildStrategy applies", () => {
    const nullIfNoChild = scorer(tree('missingValueStrategy="none"', NODES, OUT));
    expect(nullIfNoChild({ x: null, c: "a" }).y).toBeNull();
    const last = scorer(tree('missingValueStrategy="none" noTrueChildStrategy="returnLastPrediction"', NODES, OUT));
    expect(last({ x: null, c: "a" })).toMatchObject({ y: "yes", node: "r" });
  });

  it("missingValueStrategy=defaultChild follows defaultChild; missingValuePenalty scales stated confidences, not probabilities", () => {
    const nodes = NODES.replace('<Node id="r" score="yes" recordCount="10">', '<Node id="r" score="yes" recordCount="10" defaultChild="n2">').replace(
      '<ScoreDistribution value="yes" recordCount="1"/><ScoreDistribution value="no" recordCount="3"/>',
      '<ScoreDistribution value="yes" recordCount="1" confidence="0.3"/><ScoreDistribution value="no" recordCount="3" confidence="0.7"/>',
    );
    const out = OUT.replace("</Output>", '<OutputField name="c_no" feature="confidence" value="no" dataType="double"/></Output>');
    const score = scorer(tree('missingValueStrategy="defaultChild" missingValuePenalty="0.8"', nodes, out));
    const r = score({ x: null, c: "a" });
    expect(r).toEqual({ y: "no", node: "n2", p_yes: 0.25, c_no: 0.7 * 0.8 });
    expect(score({ x: 9, c: "a" }).c_no).toBe(0.7);
  });

  it("a surrogate CompoundPredicate decided by an alternative predicate counts one missing level (R rpart)", () => {
    // rpart: primary split on x, surrogate on c; the complementary sibling repeats the surrogate.
    const nodes = `
      <Node id="1" score="yes" recordCount="10" defaultChild="2"><True/>${SD(6, 4)}
        <Node id="2" score="yes" recordCount="6">
          <CompoundPredicate booleanOperator="surrogate">
            <SimplePredicate field="x" operator="lessThan" value="5"/><SimplePredicate field="c" operator="equal" value="a"/><True/>
          </CompoundPredicate>
          <ScoreDistribution value="yes" recordCount="5" confidence="0.9"/><ScoreDistribution value="no" recordCount="1" confidence="0.1"/></Node>
        <Node id="3" score="no" recordCount="4">
          <CompoundPredicate booleanOperator="surrogate">
            <SimplePredicate field="x" operator="greaterOrEqual" value="5"/><SimplePredicate field="c" operator="notEqual" value="a"/><False/>
          </CompoundPredicate>
          <ScoreDistribution value="yes" recordCount="1" confidence="0.2"/><ScoreDistribution value="no" recordCount="3" confidence="0.8"/></Node>
      </Node>`;
    const out = OUT.replace("</Output>", '<OutputField name="c_yes" feature="confidence" value="yes" dataType="double"/></Output>');
    const score = scorer(tree('missingValueStrategy="defaultChild" noTrueChildStrategy="returnLastPrediction" missingValuePenalty="0.5"', nodes, out));
    expect(score({ x: 1, c: "b" })).toEqual({ y: "yes", node: "2", p_yes: 5 / 6, c_yes: 0.9 });
    // x missing: node 2's surrogate c=a is FALSE (one level), node 3's c!=a TRUE (a second level).
    expect(score({ x: null, c: "b" })).toEqual({ y: "no", node: "3", p_yes: 0.25, c_yes: 0.2 * 0.25 });
    // Both missing: the trailing True decides node 2 (one level).
    expect(score({ x: null, c: null })).toEqual({ y: "yes", node: "2", p_yes: 5 / 6, c_yes: 0.9 * 0.5 });
  });

  it("ScoreDistribution@probability is used when the first entry has it, normalised to sum 1", () => {
    const nodes = `<Node id="r" score="no"><True/><ScoreDistribution value="yes" recordCount="9" probability="0.2"/><ScoreDistribution value="no" recordCount="1" probability="0.6"/></Node>`;
    expect(scorer(tree("", nodes, OUT))({ x: 1, c: "a" }).p_yes).toBe(0.2 / 0.8);
  });

  it("missingValueStrategy=aggregateNodes sums the record counts of every reachable leaf", () => {
    const score = scorer(tree('missingValueStrategy="aggregateNodes"', NODES, OUT));
    // x unknown: both n1 (→ c=a → n11: 4/0) and n2 (1/3) are reached: yes 5, no 3.
    const r = score({ x: null, c: "a" });
    expect(r.y).toBe("yes");
    expect(r.p_yes).toBeCloseTo(5 / 8, 15);
  });

  it("missingValueStrategy=weightedConfidence weights each reachable child by its share of records", () => {
    const score = scorer(tree('missingValueStrategy="weightedConfidence"', NODES, OUT));
    // n11 confidence yes=1 weighted 6/10, n2 yes=0.25 weighted 4/10 → 0.7 yes, 0.3 no.
    const r = score({ x: null, c: "a" });
    expect(r.y).toBe("yes");
    expect(r.p_yes).toBeCloseTo(0.7, 15);
  });

  it("noTrueChildStrategy=returnNullPrediction vs returnLastPrediction when no child matches", () => {
    const nodes = `<Node id="r" score="yes"><True/>${SD(1, 1)}<Node id="k" score="no"><False/>${SD(0, 1)}</Node></Node>`;
    expect(scorer(tree("", nodes, OUT))({ x: 1, c: "a" }).y).toBeNull();
    expect(scorer(tree('noTrueChildStrategy="returnLastPrediction"', nodes, OUT))({ x: 1, c: "a" }).node).toBe("r");
  });

  it("noTrueChildStrategy=returnLastPrediction returns the parent only if it has a score attribute", () => {
    const nodes = `<Node id="r"><True/>${SD(1, 1)}<Node id="k" score="no"><False/>${SD(0, 1)}</Node></Node>`;
    expect(scorer(tree('noTrueChildStrategy="returnLastPrediction"', nodes, OUT))({ x: 1, c: "a" })).toEqual({ y: null, p_yes: null, node: null });
  });

  it("a node without score predicts the category with the highest probability", () => {
    const nodes = `<Node id="r"><True/>${SD(1, 3)}</Node>`;
    expect(scorer(tree("", nodes, OUT))({ x: 1, c: "a" }).y).toBe("no");
  });

  it("regression trees predict the numeric score of the leaf", () => {
    const xml = pmmlDocument(
      `<DataField name="x" optype="continuous" dataType="double"/><DataField name="t" optype="continuous" dataType="double"/>`,
      `
      <TreeModel functionName="regression">
        <MiningSchema><MiningField name="x"/><MiningField name="t" usageType="predicted"/></MiningSchema>
        <Node score="0"><True/><Node score="1.5"><SimplePredicate field="x" operator="lessOrEqual" value="2"/></Node><Node score="-3"><True/></Node></Node>
      </TreeModel>`,
    );
    const score = scorer(xml);
    expect(score({ x: 2 })).toEqual({ t: 1.5 });
    expect(score({ x: 2.0001 })).toEqual({ t: -3 });
  });

  it("an invalid input fails under the default invalidValueTreatment=returnInvalid", () => {
    const score = scorer(tree("", NODES, OUT));
    expect(() => score({ x: "abc", c: "a" })).toThrow(EvaluationError);
    expect(() => score({ x: 1, c: "unseen" })).toThrow(/invalid value/);
  });
});
